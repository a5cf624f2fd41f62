// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_token_queue: one dependency-token queue (docs/microarchitecture.md, section 5).
//
// Tokens carry no data, so the queue is a counter. A pop made at an instruction's start
// cycle s is seen by the producer as room at s + 1; a push made in the last cycle of an
// instruction (e - 1) is seen by the consumer at e. The producer checks room with the
// registered count, which reserves room at its own start as the contract requires.

module tessera_token_queue #(
  parameter int unsigned Depth = 8,
  localparam int unsigned CntW = $clog2(Depth + 1)
) (
  input  logic clk_i,
  input  logic rst_ni,

  input  logic push_i,
  input  logic pop_i,

  output logic not_empty_o,
  output logic has_room_o
);

  logic [CntW-1:0] count_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      count_q <= '0;
    end else begin
      count_q <= count_q + CntW'(push_i) - CntW'(pop_i);
    end
  end

  // The consumer pops only a token that is there; the producer reserved room at its start.
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(pop_i && count_q == '0)) else $error("tessera_token_queue: pop of an empty queue");
      assert (!(push_i && !pop_i && 32'(count_q) == Depth))
        else $error("tessera_token_queue: push into a full queue");
    end
  end
`endif

  assign not_empty_o = (count_q != '0);
  assign has_room_o  = (32'(count_q) < Depth);

endmodule
