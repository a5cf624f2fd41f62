// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_load_unit: runs the LOADs into inp and wgt, in program order, one at a time
// (docs/microarchitecture.md, section 4). The head instruction starts in the first cycle
// the unit is free, its pop_next token (c2l) is there and its push_next queue (l2c) has
// room; it pushes in its last cycle. A LOAD that moves nothing takes one cycle.

module tessera_load_unit
  import tessera_pkg::*;
#(
  parameter int unsigned DramAddrW = 48,
  localparam int unsigned BurstBytesW = $clog2(DRAM_BURST_BYTES + 1),
  localparam int unsigned BeatBytes = DRAM_BYTES_PER_CYCLE,
  localparam int unsigned BeatBytesW = $clog2(BeatBytes + 1)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic                   head_valid_i,
  input  logic [INSN_BITS-1:0]   head_i,
  output logic                   pop_o,

  input  logic                   c2l_not_empty_i,
  input  logic                   l2c_has_room_i,
  output logic                   c2l_pop_o,
  output logic                   l2c_push_o,

  output logic                   req_o,
  output logic                   req_last_o,
  output logic [DramAddrW-1:0]   req_addr_o,
  output logic [BurstBytesW-1:0] req_bytes_o,
  input  logic                   gnt_i,
  input  logic                   beat_valid_i,
  input  logic [BeatBytes*8-1:0] beat_data_i,

  // Scratchpad writes (inp or wgt, by wgt_sel_o).
  output logic                   wgt_sel_o,
  output logic                   beat_we_o,
  output logic [31:0]            beat_waddr_o,
  output logic [15:0]             beat_woff_o,
  output logic [BeatBytesW-1:0]  beat_wbytes_o,
  output logic [BeatBytes*8-1:0] beat_wdata_o,
  output logic                   pad_we_o,
  output logic [31:0]            pad_waddr_o,

  output logic                   drained_o,
  output logic                   start_o,
  output logic                   done_o,
  output logic                   exec_o,
  output logic                   stall_dram_o,
  output logic                   stall_token_o
);

  load_insn_t insn;
  logic       empty, start, dma_busy, dma_done, wgt_q, push_q;

  assign insn  = load_insn_t'(head_i);
  assign empty = (insn.y_size == '0) || (insn.x_size == '0);
  assign start = head_valid_i && !dma_busy && (!insn.pop_next || c2l_not_empty_i) &&
                 (!insn.push_next || l2c_has_room_i);

  tessera_dma_load #(
    .BurstBytes   (DRAM_BURST_BYTES),
    .BeatBytes    (BeatBytes),
    .LatencyCycles(DRAM_LATENCY_CYCLES),
    .DramAddrW    (DramAddrW)
  ) u_dma (
    .clk_i,
    .rst_ni,
    .start_i      (start && !empty),
    .dram_base_i  (insn.dram_base),
    .sram_base_i  (32'(insn.sram_base)),
    .y_size_i     (insn.y_size),
    .x_size_i     (insn.x_size),
    .x_stride_i   (insn.x_stride),
    .y_pad_0_i    (insn.y_pad_0),
    .y_pad_1_i    (insn.y_pad_1),
    .x_pad_0_i    (insn.x_pad_0),
    .x_pad_1_i    (insn.x_pad_1),
    .elog2_i      ((buffer_e'(insn.buffer) == BUF_WGT) ? 5'($clog2(WGT_ENTRY_BYTES)) :
                                                         5'($clog2(INP_ENTRY_BYTES))),
    .req_o,
    .req_last_o,
    .req_addr_o,
    .req_bytes_o,
    .gnt_i,
    .beat_valid_i,
    .beat_data_i,
    .beat_we_o,
    .beat_waddr_o,
    .beat_woff_o,
    .beat_wbytes_o,
    .beat_wdata_o,
    .pad_we_o,
    .pad_waddr_o,
    .busy_o       (dma_busy),
    .done_o       (dma_done),
    .stall_o      (stall_dram_o)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wgt_q  <= 1'b0;
      push_q <= 1'b0;
    end else if (start) begin
      wgt_q  <= (buffer_e'(insn.buffer) == BUF_WGT);
      push_q <= insn.push_next;
    end
  end

  assign wgt_sel_o     = wgt_q;
  assign pop_o         = start;
  assign c2l_pop_o     = start && insn.pop_next;
  assign done_o        = (start && empty) || dma_done;
  assign l2c_push_o    = (start && empty) ? insn.push_next : (dma_done && push_q);
  assign start_o       = start;
  assign exec_o        = start || dma_busy;
  assign stall_token_o = !exec_o && head_valid_i;
  assign drained_o     = !head_valid_i && !dma_busy;

endmodule
