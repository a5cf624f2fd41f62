// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_fifo: an instruction queue (docs/microarchitecture.md, section 3).
//
// A register FIFO of DEPTH entries. A push in cycle t is visible at the head from
// cycle t + 1 (an instruction dispatched at t can start at t + 1 at the earliest); a pop
// in cycle s frees its slot for pushes from cycle s + 1 (count_o is the registered
// occupancy, which is exactly the queue-room rule of the contract).

module tessera_fifo #(
  parameter int unsigned Width = tessera_pkg::INSN_BITS, // one instruction word
  parameter int unsigned Depth = 8,
  localparam int unsigned PtrW = (Depth > 1) ? $clog2(Depth) : 1,
  localparam int unsigned CntW = $clog2(Depth + 1)
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  input  logic             push_i,
  input  logic [Width-1:0] push_data_i,
  input  logic             pop_i,

  output logic             head_valid_o,
  output logic [Width-1:0] head_data_o,
  output logic             full_o
);

  logic [Width-1:0] mem_q [Depth];
  logic [PtrW-1:0]  wptr_q, rptr_q;
  logic [CntW-1:0]  count_q;

  function automatic logic [PtrW-1:0] next_ptr(logic [PtrW-1:0] ptr);
    if (32'(ptr) == Depth - 1) begin
      return '0;
    end
    return ptr + 1'b1;
  endfunction

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q  <= '0;
      rptr_q  <= '0;
      count_q <= '0;
    end else begin
      if (push_i) begin
        wptr_q <= next_ptr(wptr_q);
      end
      if (pop_i) begin
        rptr_q <= next_ptr(rptr_q);
      end
      count_q <= count_q + CntW'(push_i) - CntW'(pop_i);
    end
  end

  always_ff @(posedge clk_i) begin
    if (push_i) begin
      mem_q[wptr_q] <= push_data_i;
    end
  end

  // Fetch dispatches only into a queue with room; a unit pops only a valid head.
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(push_i && full_o)) else $error("tessera_fifo: push into a full queue");
      assert (!(pop_i && count_q == '0)) else $error("tessera_fifo: pop from an empty queue");
    end
  end
`endif

  assign head_valid_o = (count_q != '0);
  assign head_data_o  = mem_q[rptr_q];
  assign full_o       = (32'(count_q) == Depth);

endmodule
