// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_fetch: instruction fetch and dispatch (docs/microarchitecture.md, section 3).
//
// Instructions are read in blocks of K = max(1, S / B), B = INSN_BITS / 8 bytes per
// instruction (16 or 32, from the config), each block one DRAM burst, into two block buffers with at most one transfer outstanding:
// block k is requested once the previous transfer has completed and its buffer has been
// emptied by the dispatch of block k - 2. Dispatch sends at most one instruction per
// cycle, in program order, once its block has arrived and its unit's queue has room.

module tessera_fetch
  import tessera_pkg::*;
#(
  parameter int unsigned DramAddrW = 48,
  localparam int unsigned BurstBytesW = $clog2(DRAM_BURST_BYTES + 1),
  localparam int unsigned BeatW = DRAM_BYTES_PER_CYCLE * 8
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic                   run_i,
  input  logic [DramAddrW-1:0]   insn_base_i,
  input  logic [31:0]            insn_count_i,

  output logic                   req_o,
  output logic [DramAddrW-1:0]   req_addr_o,
  output logic [BurstBytesW-1:0] req_bytes_o,
  input  logic                   gnt_i,
  input  logic                   beat_valid_i,
  input  logic [BeatW-1:0]       beat_data_i,

  // Dispatch: unit 0 load, 1 compute, 2 store.
  input  logic [2:0]             queue_full_i,
  output logic                   disp_valid_o,
  output logic [1:0]             disp_unit_o,
  output logic [INSN_BITS-1:0]   disp_insn_o,

  // Cycle class for the performance counters.
  output logic                   stall_queue_o,
  output logic                   stall_dram_o
);

  localparam int unsigned InsnBytes = INSN_BITS / 8;
  localparam int unsigned LogInsnBytes = $clog2(InsnBytes);
  localparam int unsigned K = (DRAM_BURST_BYTES / InsnBytes > 1) ? DRAM_BURST_BYTES / InsnBytes : 1;
  localparam int unsigned LogK = $clog2(K);
  localparam int unsigned BufW = K * INSN_BITS;
  localparam int unsigned BeatsPerBuf = (BufW + BeatW - 1) / BeatW;

  logic [BufW-1:0] buf_q [2];
  logic [1:0]      buf_valid_q, buf_valid_d;
  logic [31:0]     req_blk_q;
  logic            outstanding_q;
  logic            out_par_q;
  logic [31:0]     beat_idx_q, nbeats_q;
  logic [31:0]     disp_idx_q;

  // Block requests.
  logic [31:0] nblocks, blk_count, nbeats;
  logic        req_par;

  assign nblocks   = (insn_count_i + 32'(K - 1)) >> LogK;
  assign blk_count = (insn_count_i - (req_blk_q << LogK) < 32'(K)) ?
                     insn_count_i - (req_blk_q << LogK) : 32'(K);
  assign nbeats    = ((blk_count << LogInsnBytes) + 32'(DRAM_BYTES_PER_CYCLE - 1)) /
                     32'(DRAM_BYTES_PER_CYCLE);
  assign req_par   = req_blk_q[0];
  assign req_o     = run_i && (req_blk_q < nblocks) && !outstanding_q && !buf_valid_q[req_par];
  assign req_addr_o  = insn_base_i + (DramAddrW'(req_blk_q) << (LogK + LogInsnBytes));
  assign req_bytes_o = BurstBytesW'(blk_count << LogInsnBytes);

  // Dispatch.
  logic            disp_par;
  logic [31:0]     disp_pos;
  logic [INSN_BITS-1:0] insn;
  logic            arrived, more, can_dispatch, blk_end;
  logic [1:0]      unit;

  assign more     = disp_idx_q < insn_count_i;
  assign disp_par = disp_idx_q[LogK];
  assign disp_pos = disp_idx_q & 32'(K - 1);
  assign insn     = buf_q[disp_par][disp_pos * INSN_BITS +: INSN_BITS];
  assign arrived  = buf_valid_q[disp_par];
  assign blk_end  = (disp_pos == 32'(K - 1)) || (disp_idx_q + 32'd1 == insn_count_i);

  always_comb begin
    unique case (opcode_e'(insn[2:0]))
      OPC_LOAD: begin
        unique case (buffer_e'(insn[LOAD_BUFFER_LSB +: LOAD_BUFFER_W]))
          BUF_INP, BUF_WGT: unit = 2'd0;
          default:          unit = 2'd1;
        endcase
      end
      OPC_STORE: unit = 2'd2;
      default:   unit = 2'd1;
    endcase
  end

  assign can_dispatch  = run_i && more && arrived && !queue_full_i[unit];
  assign disp_valid_o  = can_dispatch;
  assign disp_unit_o   = unit;
  assign disp_insn_o   = insn;
  assign stall_queue_o = run_i && more && arrived && queue_full_i[unit];
  assign stall_dram_o  = run_i && more && !arrived;

  always_comb begin
    buf_valid_d = buf_valid_q;
    if (can_dispatch && blk_end) begin
      buf_valid_d[disp_par] = 1'b0;
    end
    if (outstanding_q && beat_valid_i && beat_idx_q + 32'd1 == nbeats_q) begin
      buf_valid_d[out_par_q] = 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      buf_valid_q   <= '0;
      req_blk_q     <= '0;
      outstanding_q <= 1'b0;
      out_par_q     <= 1'b0;
      beat_idx_q    <= '0;
      nbeats_q      <= '0;
      disp_idx_q    <= '0;
    end else begin
      buf_valid_q <= buf_valid_d;
      if (req_o && gnt_i) begin
        req_blk_q     <= req_blk_q + 32'd1;
        outstanding_q <= 1'b1;
        out_par_q     <= req_par;
        beat_idx_q    <= '0;
        nbeats_q      <= nbeats;
      end else if (outstanding_q && beat_valid_i) begin
        beat_idx_q <= beat_idx_q + 32'd1;
        if (beat_idx_q + 32'd1 == nbeats_q) begin
          outstanding_q <= 1'b0;
        end
      end
      if (can_dispatch) begin
        disp_idx_q <= disp_idx_q + 32'd1;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (outstanding_q && beat_valid_i && beat_idx_q < 32'(BeatsPerBuf)) begin
      buf_q[out_par_q][beat_idx_q * BeatW +: BeatW] <= beat_data_i;
    end
  end

endmodule
