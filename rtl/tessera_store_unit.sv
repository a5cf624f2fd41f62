// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_store_unit: runs the STOREs from the out scratchpad, in program order, one at a
// time (docs/microarchitecture.md, section 4): it pops c2s (pop_prev) and pushes s2c
// (push_prev). A STORE that moves nothing takes one cycle.

module tessera_store_unit
  import tessera_pkg::*;
#(
  parameter int unsigned DramAddrW = 48,
  localparam int unsigned BurstBytesW = $clog2(DRAM_BURST_BYTES + 1)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic                   head_valid_i,
  input  logic [INSN_BITS-1:0]   head_i,
  output logic                   pop_o,

  input  logic                   c2s_not_empty_i,
  input  logic                   s2c_has_room_i,
  output logic                   c2s_pop_o,
  output logic                   s2c_push_o,

  output logic                   req_o,
  output logic                   req_last_o,
  output logic [DramAddrW-1:0]   req_addr_o,
  output logic [BurstBytesW-1:0] req_bytes_o,
  input  logic                   gnt_i,
  input  logic                   wbeat_i,

  output logic [31:0]            beat_raddr_o,
  output logic [15:0]             beat_roff_o,

  output logic                   drained_o,
  output logic                   start_o,
  output logic                   done_o,
  output logic                   exec_o,
  output logic                   stall_dram_o,
  output logic                   stall_token_o
);

  store_insn_t insn;
  logic        empty, start, dma_busy, dma_done, push_q;

  assign insn  = store_insn_t'(head_i);
  assign empty = (insn.y_size == '0) || (insn.x_size == '0);
  assign start = head_valid_i && !dma_busy && (!insn.pop_prev || c2s_not_empty_i) &&
                 (!insn.push_prev || s2c_has_room_i);

  tessera_dma_store #(
    .BurstBytes   (DRAM_BURST_BYTES),
    .BeatBytes    (DRAM_BYTES_PER_CYCLE),
    .LatencyCycles(DRAM_LATENCY_CYCLES),
    .DramAddrW    (DramAddrW)
  ) u_dma (
    .clk_i,
    .rst_ni,
    .start_i     (start && !empty),
    .dram_base_i (insn.dram_base),
    .sram_base_i (32'(insn.sram_base)),
    .y_size_i    (insn.y_size),
    .x_size_i    (insn.x_size),
    .x_stride_i  (insn.x_stride),
    .elog2_i     (5'($clog2(OUT_ENTRY_BYTES))),
    .req_o,
    .req_last_o,
    .req_addr_o,
    .req_bytes_o,
    .gnt_i,
    .wbeat_i,
    .beat_raddr_o,
    .beat_roff_o,
    .busy_o      (dma_busy),
    .done_o      (dma_done),
    .stall_o     (stall_dram_o)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      push_q <= 1'b0;
    end else if (start) begin
      push_q <= insn.push_prev;
    end
  end

  assign pop_o         = start;
  assign c2s_pop_o     = start && insn.pop_prev;
  assign done_o        = (start && empty) || dma_done;
  assign s2c_push_o    = (start && empty) ? insn.push_prev : (dma_done && push_q);
  assign start_o       = start;
  assign exec_o        = start || dma_busy;
  assign stall_token_o = !exec_o && head_valid_i;
  assign drained_o     = !head_valid_i && !dma_busy;

endmodule
