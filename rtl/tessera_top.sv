// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_top: the accelerator (docs/microarchitecture.md, section 2).
//
// Control: start_i (one cycle) starts a run; cycle 0 is the cycle after it. The design
// fetches insn_count_i instructions from byte insn_base_i, runs them on the load, compute
// and store units and raises done_o at the end cycle of FINISH; cycles_o then holds
// total_cycles. The DRAM port: one burst request per cycle (valid/ready, with the
// requester id), read beats returned in order with their id, and write beats taken by the
// memory in the cycles it asserts mem_wbeat_i (the data is mem_wdata_o in that cycle).
// Performance counters are read through perf_sel_i/perf_data_o:
//   perf_sel = unit * 4 + class, unit 0 fetch, 1 load, 2 compute, 3 store;
//   class 0 busy, 1 stall_dram, 2 stall_token (fetch: stall_queue), 3 idle.

module tessera_top
  import tessera_pkg::*;
#(
  parameter int unsigned DramAddrW = 48,
  localparam int unsigned BurstBytesW = $clog2(DRAM_BURST_BYTES + 1),
  localparam int unsigned BeatBytes = DRAM_BYTES_PER_CYCLE,
  localparam int unsigned BeatW = BeatBytes * 8
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic                   start_i,
  input  logic [DramAddrW-1:0]   insn_base_i,
  input  logic [31:0]            insn_count_i,
  output logic                   done_o,
  output logic [63:0]            cycles_o,

  output logic                   mem_req_valid_o,
  input  logic                   mem_req_ready_i,
  output logic                   mem_req_write_o,
  output logic [1:0]             mem_req_id_o,
  output logic [DramAddrW-1:0]   mem_req_addr_o,
  output logic [BurstBytesW-1:0] mem_req_bytes_o,
  input  logic                   mem_rsp_valid_i,
  input  logic [1:0]             mem_rsp_id_i,
  input  logic [BeatW-1:0]       mem_rsp_data_i,
  input  logic                   mem_wbeat_i,
  output logic [BeatW-1:0]       mem_wdata_o,

  input  logic [3:0]             perf_sel_i,
  output logic [63:0]            perf_data_o,

  // Trace: the cycle each unit starts / is in the last cycle of an instruction.
  output logic                   disp_valid_o,
  output logic [2:0]             unit_start_o,
  output logic [2:0]             unit_done_o
);

  // Configs this RTL does not cover are refused at elaboration: a fetch block must fit a
  // burst (its width is that of one burst), and a beat must carry whole accumulator lanes.
  if (DRAM_BURST_BYTES < INSN_BITS / 8) begin : gen_burst_too_small
    $error("tessera_top: dram_burst_bytes must be at least INSN_BITS / 8 (one instruction)");
  end
  if (DRAM_BYTES_PER_CYCLE < 4) begin : gen_beat_too_small
    $error("tessera_top: dram_bytes_per_cycle must be at least 4 (one accumulator lane)");
  end

  localparam int unsigned Lanes = BATCH * BLOCK_OUT;
  localparam int unsigned AccW = Lanes * 32;

  // ---------------------------------------------------------------------------------------
  // Control and status.
  // ---------------------------------------------------------------------------------------
  logic        running_q, done_q, finish;
  logic [63:0] cycle_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      running_q <= 1'b0;
      done_q    <= 1'b0;
      cycle_q   <= '0;
    end else if (start_i && !running_q) begin
      running_q <= 1'b1;
      done_q    <= 1'b0;
      cycle_q   <= '0;
    end else if (running_q) begin
      cycle_q <= cycle_q + 64'd1;
      if (finish) begin
        running_q <= 1'b0;
        done_q    <= 1'b1;
      end
    end
  end

  assign done_o   = done_q;
  assign cycles_o = cycle_q;

  // ---------------------------------------------------------------------------------------
  // DRAM port: arbiter and response routing.
  // ---------------------------------------------------------------------------------------
  localparam int unsigned ReqFetch = 0, ReqCompute = 1, ReqLoad = 2, ReqStore = 3;

  logic [3:0]             dreq, dlast, dgnt;
  logic [DramAddrW-1:0]   daddr  [4];
  logic [BurstBytesW-1:0] dbytes [4];
  logic [3:0]             beat_valid;

  tessera_mem_arbiter #(
    .Requesters(4),
    .DramAddrW (DramAddrW),
    .BytesW    (BurstBytesW)
  ) u_arbiter (
    .clk_i,
    .rst_ni,
    .req_i          (dreq),
    .last_i         (dlast),
    .addr_i         (daddr),
    .bytes_i        (dbytes),
    .write_i        (4'b1000),
    .gnt_o          (dgnt),
    .mem_req_valid_o,
    .mem_req_ready_i,
    .mem_req_write_o,
    .mem_req_id_o,
    .mem_req_addr_o,
    .mem_req_bytes_o
  );

  always_comb begin
    beat_valid = '0;
    beat_valid[mem_rsp_id_i] = mem_rsp_valid_i;
  end

  // ---------------------------------------------------------------------------------------
  // Fetch and the instruction queues.
  // ---------------------------------------------------------------------------------------
  logic                 disp_valid;
  logic [1:0]           disp_unit;
  logic [INSN_BITS-1:0] disp_insn;
  logic [2:0]           q_full, q_head_valid, q_pop;
  logic [INSN_BITS-1:0] q_head [3];
  logic                 fetch_stall_queue, fetch_stall_dram;

  tessera_fetch #(
    .DramAddrW(DramAddrW)
  ) u_fetch (
    .clk_i,
    .rst_ni,
    .run_i        (running_q),
    .insn_base_i,
    .insn_count_i,
    .req_o        (dreq[ReqFetch]),
    .req_addr_o   (daddr[ReqFetch]),
    .req_bytes_o  (dbytes[ReqFetch]),
    .gnt_i        (dgnt[ReqFetch]),
    .beat_valid_i (beat_valid[ReqFetch]),
    .beat_data_i  (mem_rsp_data_i),
    .queue_full_i (q_full),
    .disp_valid_o (disp_valid),
    .disp_unit_o  (disp_unit),
    .disp_insn_o  (disp_insn),
    .stall_queue_o(fetch_stall_queue),
    .stall_dram_o (fetch_stall_dram)
  );
  assign dlast[ReqFetch] = 1'b1;

  for (genvar q = 0; q < 3; q++) begin : gen_queues
    tessera_fifo #(
      .Width(INSN_BITS),
      .Depth(INSTRUCTION_QUEUE_DEPTH)
    ) u_queue (
      .clk_i,
      .rst_ni,
      .push_i      (disp_valid && disp_unit == 2'(q)),
      .push_data_i (disp_insn),
      .pop_i       (q_pop[q]),
      .head_valid_o(q_head_valid[q]),
      .head_data_o (q_head[q]),
      .full_o      (q_full[q])
    );
  end

  // ---------------------------------------------------------------------------------------
  // Token queues: l2c, c2l, c2s, s2c.
  // ---------------------------------------------------------------------------------------
  logic [3:0] tq_push, tq_pop, tq_not_empty, tq_has_room;
  localparam int unsigned TqL2c = 0, TqC2l = 1, TqC2s = 2, TqS2c = 3;

  for (genvar t = 0; t < 4; t++) begin : gen_tokens
    tessera_token_queue #(
      .Depth(TOKEN_QUEUE_DEPTH)
    ) u_tokens (
      .clk_i,
      .rst_ni,
      .push_i     (tq_push[t]),
      .pop_i      (tq_pop[t]),
      .not_empty_o(tq_not_empty[t]),
      .has_room_o (tq_has_room[t])
    );
  end

  // ---------------------------------------------------------------------------------------
  // Units.
  // ---------------------------------------------------------------------------------------
  localparam int unsigned BeatBytesW = $clog2(BeatBytes + 1);

  logic                  ld_wgt_sel, ld_beat_we, ld_pad_we;
  logic [31:0]           ld_beat_waddr, ld_pad_waddr;
  logic [15:0]            ld_beat_woff;
  logic [BeatBytesW-1:0] ld_beat_wbytes;
  logic [BeatW-1:0]      ld_beat_wdata;
  logic                  load_drained, store_drained;
  logic [3:0]            exec, stall_dram, stall_token;

  tessera_load_unit #(
    .DramAddrW(DramAddrW)
  ) u_load (
    .clk_i,
    .rst_ni,
    .head_valid_i   (q_head_valid[0]),
    .head_i         (q_head[0]),
    .pop_o          (q_pop[0]),
    .c2l_not_empty_i(tq_not_empty[TqC2l]),
    .l2c_has_room_i (tq_has_room[TqL2c]),
    .c2l_pop_o      (tq_pop[TqC2l]),
    .l2c_push_o     (tq_push[TqL2c]),
    .req_o          (dreq[ReqLoad]),
    .req_last_o     (dlast[ReqLoad]),
    .req_addr_o     (daddr[ReqLoad]),
    .req_bytes_o    (dbytes[ReqLoad]),
    .gnt_i          (dgnt[ReqLoad]),
    .beat_valid_i   (beat_valid[ReqLoad]),
    .beat_data_i    (mem_rsp_data_i),
    .wgt_sel_o      (ld_wgt_sel),
    .beat_we_o      (ld_beat_we),
    .beat_waddr_o   (ld_beat_waddr),
    .beat_woff_o    (ld_beat_woff),
    .beat_wbytes_o  (ld_beat_wbytes),
    .beat_wdata_o   (ld_beat_wdata),
    .pad_we_o       (ld_pad_we),
    .pad_waddr_o    (ld_pad_waddr),
    .drained_o      (load_drained),
    .start_o        (unit_start_o[0]),
    .done_o         (unit_done_o[0]),
    .exec_o         (exec[1]),
    .stall_dram_o   (stall_dram[1]),
    .stall_token_o  (stall_token[1])
  );

  logic [31:0]          st_beat_raddr;
  logic [15:0]           st_beat_roff;

  tessera_store_unit #(
    .DramAddrW(DramAddrW)
  ) u_store (
    .clk_i,
    .rst_ni,
    .head_valid_i   (q_head_valid[2]),
    .head_i         (q_head[2]),
    .pop_o          (q_pop[2]),
    .c2s_not_empty_i(tq_not_empty[TqC2s]),
    .s2c_has_room_i (tq_has_room[TqS2c]),
    .c2s_pop_o      (tq_pop[TqC2s]),
    .s2c_push_o     (tq_push[TqS2c]),
    .req_o          (dreq[ReqStore]),
    .req_last_o     (dlast[ReqStore]),
    .req_addr_o     (daddr[ReqStore]),
    .req_bytes_o    (dbytes[ReqStore]),
    .gnt_i          (dgnt[ReqStore]),
    .wbeat_i        (mem_wbeat_i),
    .beat_raddr_o   (st_beat_raddr),
    .beat_roff_o    (st_beat_roff),
    .drained_o      (store_drained),
    .start_o        (unit_start_o[2]),
    .done_o         (unit_done_o[2]),
    .exec_o         (exec[3]),
    .stall_dram_o   (stall_dram[3]),
    .stall_token_o  (stall_token[3])
  );

  logic                         cp_acc_sel, cp_acc8, cp_beat_we, cp_pad_we;
  logic [31:0]                  cp_beat_waddr, cp_pad_waddr;
  logic [15:0]                   cp_beat_woff;
  logic [BeatBytesW-1:0]        cp_beat_wbytes;
  logic [BeatW-1:0]             cp_beat_wdata;
  logic [UOP_ADDR_W-1:0]        uop_raddr;
  logic [UOP_BITS-1:0]          uop_rdata;
  logic [INP_ADDR_W-1:0]        inp_raddr;
  logic [INP_ENTRY_BYTES*8-1:0] inp_rdata;
  logic [WGT_ADDR_W-1:0]        wgt_raddr;
  logic [WGT_ENTRY_BYTES*8-1:0] wgt_rdata;
  logic [ACC_ADDR_W-1:0]        acc_raddr, acc_raddr2, cp_acc_waddr;
  logic [AccW-1:0]              acc_rdata, acc_rdata2, cp_acc_wdata;
  logic                         cp_acc_we;

  tessera_compute_unit #(
    .DramAddrW(DramAddrW)
  ) u_compute (
    .clk_i,
    .rst_ni,
    .head_valid_i   (q_head_valid[1]),
    .head_i         (q_head[1]),
    .pop_o          (q_pop[1]),
    .l2c_not_empty_i(tq_not_empty[TqL2c]),
    .s2c_not_empty_i(tq_not_empty[TqS2c]),
    .c2l_has_room_i (tq_has_room[TqC2l]),
    .c2s_has_room_i (tq_has_room[TqC2s]),
    .l2c_pop_o      (tq_pop[TqL2c]),
    .s2c_pop_o      (tq_pop[TqS2c]),
    .c2l_push_o     (tq_push[TqC2l]),
    .c2s_push_o     (tq_push[TqC2s]),
    .load_drained_i (load_drained),
    .store_drained_i(store_drained),
    .req_o          (dreq[ReqCompute]),
    .req_last_o     (dlast[ReqCompute]),
    .req_addr_o     (daddr[ReqCompute]),
    .req_bytes_o    (dbytes[ReqCompute]),
    .gnt_i          (dgnt[ReqCompute]),
    .beat_valid_i   (beat_valid[ReqCompute]),
    .beat_data_i    (mem_rsp_data_i),
    .acc_sel_o      (cp_acc_sel),
    .acc8_o         (cp_acc8),
    .beat_we_o      (cp_beat_we),
    .beat_waddr_o   (cp_beat_waddr),
    .beat_woff_o    (cp_beat_woff),
    .beat_wbytes_o  (cp_beat_wbytes),
    .beat_wdata_o   (cp_beat_wdata),
    .pad_we_o       (cp_pad_we),
    .pad_waddr_o    (cp_pad_waddr),
    .uop_raddr_o    (uop_raddr),
    .uop_rdata_i    (uop_rdata),
    .inp_raddr_o    (inp_raddr),
    .inp_rdata_i    (inp_rdata),
    .wgt_raddr_o    (wgt_raddr),
    .wgt_rdata_i    (wgt_rdata),
    .acc_raddr_o    (acc_raddr),
    .acc_rdata_i    (acc_rdata),
    .acc_raddr2_o   (acc_raddr2),
    .acc_rdata2_i   (acc_rdata2),
    .acc_we_o       (cp_acc_we),
    .acc_waddr_o    (cp_acc_waddr),
    .acc_wdata_o    (cp_acc_wdata),
    .finish_o       (finish),
    .start_o        (unit_start_o[1]),
    .done_o         (unit_done_o[1]),
    .exec_o         (exec[2]),
    .stall_dram_o   (stall_dram[2]),
    .stall_token_o  (stall_token[2])
  );

  assign disp_valid_o = disp_valid;

  // ---------------------------------------------------------------------------------------
  // Scratchpads.
  // ---------------------------------------------------------------------------------------
  tessera_spad_set #(
    .BeatBytes(BeatBytes)
  ) u_spads (
    .clk_i,
    .ld_wgt_sel_i    (ld_wgt_sel),
    .ld_beat_we_i    (ld_beat_we),
    .ld_beat_waddr_i (ld_beat_waddr),
    .ld_beat_woff_i  (ld_beat_woff),
    .ld_beat_wbytes_i(ld_beat_wbytes),
    .ld_beat_wdata_i (ld_beat_wdata),
    .ld_pad_we_i     (ld_pad_we),
    .ld_pad_waddr_i  (ld_pad_waddr),
    .cp_acc_sel_i    (cp_acc_sel),
    .cp_acc8_i       (cp_acc8),
    .cp_beat_we_i    (cp_beat_we),
    .cp_beat_waddr_i (cp_beat_waddr),
    .cp_beat_woff_i  (cp_beat_woff),
    .cp_beat_wbytes_i(cp_beat_wbytes),
    .cp_beat_wdata_i (cp_beat_wdata),
    .cp_pad_we_i     (cp_pad_we),
    .cp_pad_waddr_i  (cp_pad_waddr),
    .acc_we_i        (cp_acc_we),
    .acc_waddr_i     (cp_acc_waddr),
    .acc_wdata_i     (cp_acc_wdata),
    .uop_raddr_i     (uop_raddr),
    .uop_rdata_o     (uop_rdata),
    .inp_raddr_i     (inp_raddr),
    .inp_rdata_o     (inp_rdata),
    .wgt_raddr_i     (wgt_raddr),
    .wgt_rdata_o     (wgt_rdata),
    .acc_raddr_i     (acc_raddr),
    .acc_rdata_o     (acc_rdata),
    .acc_raddr2_i    (acc_raddr2),
    .acc_rdata2_o    (acc_rdata2),
    .st_beat_raddr_i (st_beat_raddr),
    .st_beat_roff_i  (st_beat_roff),
    .st_beat_rdata_o (mem_wdata_o)
  );

  // ---------------------------------------------------------------------------------------
  // Performance counters (docs/microarchitecture.md, section 8).
  // ---------------------------------------------------------------------------------------
  logic [15:0] perf_inc;

  assign exec[0]        = disp_valid;
  assign stall_dram[0]  = fetch_stall_dram;
  assign stall_token[0] = fetch_stall_queue;

  always_comb begin
    for (int u = 0; u < 4; u++) begin
      perf_inc[u * 4 + 0] = running_q && exec[u] && !stall_dram[u];
      perf_inc[u * 4 + 1] = running_q && stall_dram[u];
      perf_inc[u * 4 + 2] = running_q && stall_token[u];
      perf_inc[u * 4 + 3] = running_q && !exec[u] && !stall_dram[u] && !stall_token[u];
    end
  end

  tessera_perf_counters #(
    .Counters(16)
  ) u_perf (
    .clk_i,
    .rst_ni,
    .clear_i(start_i && !running_q),
    .inc_i  (perf_inc),
    .sel_i  (perf_sel_i),
    .data_o (perf_data_o)
  );

endmodule
