// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_compute_unit: runs GEMM, ALU, FINISH and the LOADs into uop and acc, in program
// order, one at a time (docs/microarchitecture.md, sections 4 and 4.1).
//
// It pops l2c (pop_prev) and s2c (pop_next), pushes c2l (push_prev) and c2s (push_next).
// A GEMM or ALU latches its fields at its start s and issues micro-op iterations from
// s + 1 (every cycle; every other cycle for an ALU with a register operand when the
// accumulator has one ALU read port, ALU_READ_PORTS = 1); its end is e = s + n + Pg,
// s + n + Pa or s + 2n + Pa, which the pipelines meet by construction.
// FINISH waits until the load and store units have drained, takes one cycle, raises done.

module tessera_compute_unit
  import tessera_pkg::*;
#(
  parameter int unsigned DramAddrW = 48,
  localparam int unsigned BurstBytesW = $clog2(DRAM_BURST_BYTES + 1),
  localparam int unsigned BeatBytes = DRAM_BYTES_PER_CYCLE,
  localparam int unsigned BeatBytesW = $clog2(BeatBytes + 1),
  localparam int unsigned AccW = BATCH * BLOCK_OUT * 32
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,

  input  logic                         head_valid_i,
  input  logic [INSN_BITS-1:0]         head_i,
  output logic                         pop_o,

  input  logic                         l2c_not_empty_i,
  input  logic                         s2c_not_empty_i,
  input  logic                         c2l_has_room_i,
  input  logic                         c2s_has_room_i,
  output logic                         l2c_pop_o,
  output logic                         s2c_pop_o,
  output logic                         c2l_push_o,
  output logic                         c2s_push_o,
  input  logic                         load_drained_i,
  input  logic                         store_drained_i,

  output logic                         req_o,
  output logic                         req_last_o,
  output logic [DramAddrW-1:0]         req_addr_o,
  output logic [BurstBytesW-1:0]       req_bytes_o,
  input  logic                         gnt_i,
  input  logic                         beat_valid_i,
  input  logic [BeatBytes*8-1:0]       beat_data_i,

  // DMA writes into uop or acc (by acc_sel_o).
  output logic                         acc_sel_o,
  output logic                         acc8_o,
  output logic                         beat_we_o,
  output logic [31:0]                  beat_waddr_o,
  output logic [15:0]                   beat_woff_o,
  output logic [BeatBytesW-1:0]        beat_wbytes_o,
  output logic [BeatBytes*8-1:0]       beat_wdata_o,
  output logic                         pad_we_o,
  output logic [31:0]                  pad_waddr_o,

  // Scratchpad reads and accumulator writes of GEMM and ALU.
  output logic [UOP_ADDR_W-1:0]        uop_raddr_o,
  input  logic [UOP_BITS-1:0]          uop_rdata_i,
  output logic [INP_ADDR_W-1:0]        inp_raddr_o,
  input  logic [INP_ENTRY_BYTES*8-1:0] inp_rdata_i,
  output logic [WGT_ADDR_W-1:0]        wgt_raddr_o,
  input  logic [WGT_ENTRY_BYTES*8-1:0] wgt_rdata_i,
  output logic [ACC_ADDR_W-1:0]        acc_raddr_o,
  input  logic [AccW-1:0]              acc_rdata_i,
  output logic [ACC_ADDR_W-1:0]        acc_raddr2_o,  // ALU register operand, 2 ports only
  input  logic [AccW-1:0]              acc_rdata2_i,
  output logic                         acc_we_o,
  output logic [ACC_ADDR_W-1:0]        acc_waddr_o,
  output logic [AccW-1:0]              acc_wdata_o,

  output logic                         finish_o,
  output logic                         start_o,
  output logic                         done_o,
  output logic                         exec_o,
  output logic                         stall_dram_o,
  output logic                         stall_token_o
);

  typedef enum logic [1:0] {
    KindLoad,
    KindGemm,
    KindAlu,
    KindFinish
  } kind_e;

  // ---------------------------------------------------------------------------------------
  // Decode of the head instruction and the start rule.
  // ---------------------------------------------------------------------------------------
  load_insn_t  ld;
  gemm_insn_t  gm;
  alu_insn_t   al;
  kind_e       kind;
  logic        pop_prev, pop_next, push_prev, push_next;
  logic        start, dma_busy, dma_done, ld_empty, ready;

  assign ld = load_insn_t'(head_i);
  assign gm = gemm_insn_t'(head_i);
  assign al = alu_insn_t'(head_i);
  assign pop_prev  = head_i[LOAD_POP_PREV_LSB];
  assign pop_next  = head_i[LOAD_POP_NEXT_LSB];
  assign push_prev = head_i[LOAD_PUSH_PREV_LSB];
  assign push_next = head_i[LOAD_PUSH_NEXT_LSB];

  always_comb begin
    unique case (opcode_e'(head_i[2:0]))
      OPC_LOAD:   kind = KindLoad;
      OPC_GEMM:   kind = KindGemm;
      OPC_ALU:    kind = KindAlu;
      default:    kind = KindFinish;
    endcase
  end

  // Micro-op iterations n and duration of GEMM/ALU. A register operand costs a second
  // cycle per row when it shares the accumulator's one ALU read port.
  localparam bit OnePortAlu = (ALU_READ_PORTS == 1);

  logic [UOP_ADDR_W:0] uop_bgn, uop_end, uop_count;
  logic [13:0]         iter_out, iter_in;
  logic                use_imm, has_iters;
  logic [47:0]         n, duration;

  assign uop_bgn   = (kind == KindGemm) ? {1'b0, gm.uop_bgn} : {1'b0, al.uop_bgn};
  assign uop_end   = (kind == KindGemm) ? gm.uop_end : al.uop_end;
  assign iter_out  = (kind == KindGemm) ? gm.iter_out : al.iter_out;
  assign iter_in   = (kind == KindGemm) ? gm.iter_in : al.iter_in;
  assign use_imm   = al.use_imm;
  assign has_iters = (iter_out != '0) && (iter_in != '0) && (uop_end > uop_bgn);
  assign uop_count = uop_end - uop_bgn;
  assign n         = 48'(iter_out) * 48'(iter_in) * 48'(uop_count);

  always_comb begin
    if (kind == KindGemm) begin
      duration = n + 48'(GEMM_PIPELINE_DEPTH);
    end else if (use_imm || !OnePortAlu) begin
      duration = n + 48'(ALU_PIPELINE_DEPTH);
    end else begin
      duration = (n << 1) + 48'(ALU_PIPELINE_DEPTH);
    end
  end

  assign ld_empty = (ld.y_size == '0) || (ld.x_size == '0);
  assign ready = (!pop_prev || l2c_not_empty_i) && (!pop_next || s2c_not_empty_i) &&
                 (!push_prev || c2l_has_room_i) && (!push_next || c2s_has_room_i) &&
                 (kind != KindFinish || (load_drained_i && store_drained_i));

  // ---------------------------------------------------------------------------------------
  // GEMM/ALU sequencing.
  // ---------------------------------------------------------------------------------------
  logic                 busy_q;       // a GEMM/ALU is running (after its start cycle)
  logic                 issuing_q, phase_q;
  logic [47:0]          cnt_q, dur_q;
  logic [INSN_BITS-1:0] insn_q;
  logic                 is_gemm_q, push_prev_q, push_next_q;
  logic                 multi_cycle, step, loop_last, exec_last;
  gemm_insn_t           gq;
  alu_insn_t            aq;

  assign start       = head_valid_i && !busy_q && !dma_busy && ready;
  assign multi_cycle = (kind == KindGemm || kind == KindAlu) && has_iters;
  assign step        = issuing_q && (is_gemm_q || aq.use_imm || !OnePortAlu || !phase_q);
  assign exec_last   = busy_q && (cnt_q + 48'd1 == dur_q);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q      <= 1'b0;
      issuing_q   <= 1'b0;
      phase_q     <= 1'b0;
      cnt_q       <= '0;
      dur_q       <= '0;
      insn_q      <= '0;
      is_gemm_q   <= 1'b0;
      push_prev_q <= 1'b0;
      push_next_q <= 1'b0;
    end else begin
      if (start) begin
        insn_q      <= head_i;
        is_gemm_q   <= (kind == KindGemm);
        push_prev_q <= push_prev;
        push_next_q <= push_next;
      end
      if (start && multi_cycle) begin
        busy_q    <= 1'b1;
        issuing_q <= 1'b1;
        phase_q   <= 1'b0;
        cnt_q     <= 48'd1;
        dur_q     <= duration;
      end else begin
        if (exec_last) begin
          busy_q <= 1'b0;
        end
        if (busy_q) begin
          cnt_q <= cnt_q + 48'd1;
        end
        if (step && loop_last) begin
          issuing_q <= 1'b0;
        end
        if (issuing_q) begin
          phase_q <= !phase_q;
        end
      end
    end
  end

  // The loops and the two pipelines read the held instruction.
  logic [31:0] idx_dst, idx_src, idx_wgt;
  logic [INSN_BITS-1:0] loop_insn;
  gemm_insn_t lg;
  alu_insn_t  la;
  logic       loop_gemm;

  assign gq        = gemm_insn_t'(insn_q);
  assign aq        = alu_insn_t'(insn_q);
  assign loop_insn = start ? head_i : insn_q;
  assign loop_gemm = start ? (kind == KindGemm) : is_gemm_q;
  assign lg        = gemm_insn_t'(loop_insn);
  assign la        = alu_insn_t'(loop_insn);

  tessera_uop_loop u_loop (
    .clk_i,
    .rst_ni,
    .start_i         (start),
    .step_i          (step),
    .uop_bgn_i       (loop_gemm ? (UOP_ADDR_W+1)'(lg.uop_bgn) : (UOP_ADDR_W+1)'(la.uop_bgn)),
    .uop_end_i       (loop_gemm ? lg.uop_end : la.uop_end),
    .iter_out_i      (loop_gemm ? lg.iter_out : la.iter_out),
    .iter_in_i       (loop_gemm ? lg.iter_in : la.iter_in),
    .dst_factor_out_i(loop_gemm ? 32'(lg.dst_factor_out) : 32'(la.dst_factor_out)),
    .dst_factor_in_i (loop_gemm ? 32'(lg.dst_factor_in) : 32'(la.dst_factor_in)),
    .src_factor_out_i(loop_gemm ? 32'(lg.src_factor_out) : 32'(la.src_factor_out)),
    .src_factor_in_i (loop_gemm ? 32'(lg.src_factor_in) : 32'(la.src_factor_in)),
    .wgt_factor_out_i(loop_gemm ? 32'(lg.wgt_factor_out) : 32'd0),
    .wgt_factor_in_i (loop_gemm ? 32'(lg.wgt_factor_in) : 32'd0),
    .uop_raddr_o,
    .uop_rdata_i,
    .dst_o           (idx_dst),
    .src_o           (idx_src),
    .wgt_o           (idx_wgt),
    .last_o          (loop_last)
  );

  logic [ACC_ADDR_W-1:0] gemm_acc_raddr, alu_acc_raddr, gemm_acc_waddr, alu_acc_waddr;
  logic                  gemm_acc_we, alu_acc_we;
  logic [AccW-1:0]       gemm_acc_wdata, alu_acc_wdata;

  tessera_gemm u_gemm (
    .clk_i,
    .rst_ni,
    .issue_i    (step && is_gemm_q),
    .reset_i    (gq.reset),
    .dst_i      (idx_dst[ACC_ADDR_W-1:0]),
    .src_i      (idx_src[INP_ADDR_W-1:0]),
    .wgt_i      (idx_wgt[WGT_ADDR_W-1:0]),
    .inp_raddr_o,
    .inp_rdata_i,
    .wgt_raddr_o,
    .wgt_rdata_i,
    .acc_raddr_o(gemm_acc_raddr),
    .acc_rdata_i,
    .acc_we_o   (gemm_acc_we),
    .acc_waddr_o(gemm_acc_waddr),
    .acc_wdata_o(gemm_acc_wdata)
  );

  tessera_alu u_alu (
    .clk_i,
    .rst_ni,
    .op_i       (alu_op_e'(aq.alu_op)),
    .use_imm_i  (aq.use_imm),
    .imm_i      (32'(aq.imm)),
    .issue_i    (step && !is_gemm_q),
    .dst_i      (idx_dst[ACC_ADDR_W-1:0]),
    .src_i      (idx_src[ACC_ADDR_W-1:0]),
    .acc_raddr_o(alu_acc_raddr),
    .acc_rdata_i,
    .acc_raddr2_o,
    .acc_rdata2_i,
    .acc_we_o   (alu_acc_we),
    .acc_waddr_o(alu_acc_waddr),
    .acc_wdata_o(alu_acc_wdata)
  );

  // GEMM and ALU never overlap: one instruction at a time, each drains its pipeline.
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(gemm_acc_we && alu_acc_we))
        else $error("tessera_compute_unit: GEMM and ALU both write acc");
      assert (!(acc_we_o && pad_we_o && acc_sel_o))
        else $error("tessera_compute_unit: a LOAD pads acc while GEMM/ALU write it");
    end
  end
`endif

  assign acc_raddr_o = is_gemm_q ? gemm_acc_raddr : alu_acc_raddr;
  assign acc_we_o    = gemm_acc_we || alu_acc_we;
  assign acc_waddr_o = gemm_acc_we ? gemm_acc_waddr : alu_acc_waddr;
  assign acc_wdata_o = gemm_acc_we ? gemm_acc_wdata : alu_acc_wdata;

  // ---------------------------------------------------------------------------------------
  // LOADs into uop and acc.
  // ---------------------------------------------------------------------------------------
  logic       acc_q, acc8_q;
  logic [4:0] ld_elog2;

  always_comb begin
    unique case (buffer_e'(ld.buffer))
      BUF_ACC:  ld_elog2 = 5'($clog2(ACC_ENTRY_BYTES));
      BUF_ACC8: ld_elog2 = 5'($clog2(ACC8_ENTRY_BYTES));
      default:  ld_elog2 = 5'($clog2(UOP_ENTRY_BYTES));
    endcase
  end

  tessera_dma_load #(
    .BurstBytes   (DRAM_BURST_BYTES),
    .BeatBytes    (BeatBytes),
    .LatencyCycles(DRAM_LATENCY_CYCLES),
    .DramAddrW    (DramAddrW)
  ) u_dma (
    .clk_i,
    .rst_ni,
    .start_i      (start && kind == KindLoad && !ld_empty),
    .dram_base_i  (ld.dram_base),
    .sram_base_i  (32'(ld.sram_base)),
    .y_size_i     (ld.y_size),
    .x_size_i     (ld.x_size),
    .x_stride_i   (ld.x_stride),
    .y_pad_0_i    (ld.y_pad_0),
    .y_pad_1_i    (ld.y_pad_1),
    .x_pad_0_i    (ld.x_pad_0),
    .x_pad_1_i    (ld.x_pad_1),
    .elog2_i      (ld_elog2),
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
      acc_q  <= 1'b0;
      acc8_q <= 1'b0;
    end else if (start && kind == KindLoad) begin
      acc_q  <= (buffer_e'(ld.buffer) == BUF_ACC) || (buffer_e'(ld.buffer) == BUF_ACC8);
      acc8_q <= (buffer_e'(ld.buffer) == BUF_ACC8);
    end
  end
  assign acc_sel_o = acc_q;
  assign acc8_o    = acc8_q;

  // ---------------------------------------------------------------------------------------
  // Tokens, completion and the cycle class.
  // ---------------------------------------------------------------------------------------
  logic one_cycle, last;

  assign one_cycle = start && !multi_cycle && !(kind == KindLoad && !ld_empty);
  assign last      = one_cycle || exec_last || dma_done;

  assign pop_o         = start;
  assign l2c_pop_o     = start && pop_prev;
  assign s2c_pop_o     = start && pop_next;
  // FINISH pushes nothing (docs/microarchitecture.md, section 4).
  assign c2l_push_o    = one_cycle ? push_prev && kind != KindFinish : (last && push_prev_q);
  assign c2s_push_o    = one_cycle ? push_next && kind != KindFinish : (last && push_next_q);
  assign finish_o      = start && kind == KindFinish;
  assign start_o       = start;
  assign done_o        = last;
  assign exec_o        = start || busy_q || dma_busy;
  assign stall_token_o = !exec_o && head_valid_i;

endmodule
