// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_perf_counters: 64-bit event counters, cleared at start, read one at a time.

module tessera_perf_counters #(
  parameter int unsigned Counters = 16,
  localparam int unsigned SelW = $clog2(Counters)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                clear_i,
  input  logic [Counters-1:0] inc_i,
  input  logic [SelW-1:0]     sel_i,
  output logic [63:0]         data_o
);

  logic [63:0] count_q [Counters];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned i = 0; i < Counters; i++) begin
        count_q[i] <= '0;
      end
    end else begin
      for (int unsigned i = 0; i < Counters; i++) begin
        if (clear_i) begin
          count_q[i] <= '0;
        end else if (inc_i[i]) begin
          count_q[i] <= count_q[i] + 64'd1;
        end
      end
    end
  end

  assign data_o = count_q[sel_i];

endmodule
