// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_pipe: a delay line of Stages register stages (Stages = 0 is a wire), used to
// give the GEMM and ALU pipelines the depth the config asks for.

module tessera_pipe #(
  parameter int unsigned Width = 1,
  parameter int unsigned Stages = 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             valid_i,
  input  logic [Width-1:0] data_i,
  output logic             valid_o,
  output logic [Width-1:0] data_o
);

  if (Stages == 0) begin : gen_wire
    assign valid_o = valid_i;
    assign data_o  = data_i;
  end else begin : gen_regs
    logic             valid_q [Stages];
    logic [Width-1:0] data_q  [Stages];

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        for (int unsigned i = 0; i < Stages; i++) begin
          valid_q[i] <= 1'b0;
        end
      end else begin
        valid_q[0] <= valid_i;
        for (int unsigned i = 1; i < Stages; i++) begin
          valid_q[i] <= valid_q[i-1];
        end
      end
    end

    always_ff @(posedge clk_i) begin
      data_q[0] <= data_i;
      for (int unsigned i = 1; i < Stages; i++) begin
        data_q[i] <= data_q[i-1];
      end
    end

    assign valid_o = valid_q[Stages-1];
    assign data_o  = data_q[Stages-1];
  end

endmodule
