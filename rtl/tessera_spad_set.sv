// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_spad_set: the five scratchpads and their port multiplexing.
//
// - uop and acc are written by the compute unit's DMA (acc_sel picks), acc also by GEMM
//   and ALU write-back; inp and wgt by the load unit's DMA (wgt_sel picks).
// - out mirrors acc: every write of an acc lane also writes its low byte into out, both
//   for DMA beats (a beat of B bytes of lanes is B / 4 bytes of out) and whole rows.
// - an acc8 beat holds B int8 lanes: sign-extended, 4B bytes of acc; as is, B bytes of out.
// - GEMM reads uop, inp, wgt and acc; ALU reads uop and acc (through a second acc read port
//   for its register operand when ALU_READ_PORTS = 2); STORE reads out by beats.

module tessera_spad_set
  import tessera_pkg::*;
#(
  parameter int unsigned BeatBytes = 16,
  localparam int unsigned BeatW = BeatBytes * 8,
  localparam int unsigned BeatBytesW = $clog2(BeatBytes + 1),
  localparam int unsigned Lanes = BATCH * BLOCK_OUT,
  localparam int unsigned AccW = Lanes * 32
) (
  input  logic                         clk_i,

  input  logic                         ld_wgt_sel_i,
  input  logic                         ld_beat_we_i,
  input  logic [31:0]                  ld_beat_waddr_i,
  input  logic [15:0]                   ld_beat_woff_i,
  input  logic [BeatBytesW-1:0]        ld_beat_wbytes_i,
  input  logic [BeatW-1:0]             ld_beat_wdata_i,
  input  logic                         ld_pad_we_i,
  input  logic [31:0]                  ld_pad_waddr_i,

  input  logic                         cp_acc_sel_i,
  input  logic                         cp_acc8_i,
  input  logic                         cp_beat_we_i,
  input  logic [31:0]                  cp_beat_waddr_i,
  input  logic [15:0]                   cp_beat_woff_i,
  input  logic [BeatBytesW-1:0]        cp_beat_wbytes_i,
  input  logic [BeatW-1:0]             cp_beat_wdata_i,
  input  logic                         cp_pad_we_i,
  input  logic [31:0]                  cp_pad_waddr_i,

  input  logic                         acc_we_i,
  input  logic [ACC_ADDR_W-1:0]        acc_waddr_i,
  input  logic [AccW-1:0]              acc_wdata_i,

  input  logic [UOP_ADDR_W-1:0]        uop_raddr_i,
  output logic [UOP_BITS-1:0]          uop_rdata_o,
  input  logic [INP_ADDR_W-1:0]        inp_raddr_i,
  output logic [INP_ENTRY_BYTES*8-1:0] inp_rdata_o,
  input  logic [WGT_ADDR_W-1:0]        wgt_raddr_i,
  output logic [WGT_ENTRY_BYTES*8-1:0] wgt_rdata_o,
  input  logic [ACC_ADDR_W-1:0]        acc_raddr_i,
  output logic [AccW-1:0]              acc_rdata_o,
  input  logic [ACC_ADDR_W-1:0]        acc_raddr2_i,  // ALU_READ_PORTS = 2 only
  output logic [AccW-1:0]              acc_rdata2_o,

  input  logic [31:0]                  st_beat_raddr_i,
  input  logic [15:0]                   st_beat_roff_i,
  output logic [BeatW-1:0]             st_beat_rdata_o
);

  localparam int unsigned UopOffW = $clog2(UOP_ENTRY_BYTES);
  localparam int unsigned InpOffW = $clog2(INP_ENTRY_BYTES);
  localparam int unsigned WgtOffW = $clog2(WGT_ENTRY_BYTES);
  localparam int unsigned AccOffW = $clog2(ACC_ENTRY_BYTES);
  localparam int unsigned OutOffW = $clog2(OUT_ENTRY_BYTES);
  localparam int unsigned OutBeatBytes = (BeatBytes >= 4) ? BeatBytes / 4 : 1;

  // Low byte of each 32-bit lane.
  function automatic logic [AccW/4-1:0] low_bytes_row(logic [AccW-1:0] row);
    for (int unsigned l = 0; l < Lanes; l++) begin
      low_bytes_row[l * 8 +: 8] = row[l * 32 +: 8];
    end
  endfunction

  function automatic logic [BeatW/4-1:0] low_bytes_beat(logic [BeatW-1:0] beat);
    for (int unsigned l = 0; l < BeatBytes / 4; l++) begin
      low_bytes_beat[l * 8 +: 8] = beat[l * 32 +: 8];
    end
  endfunction

  // Each byte of a beat sign-extended to a 32-bit lane (acc8).
  function automatic logic [4*BeatW-1:0] sign_extend_beat(logic [BeatW-1:0] beat);
    for (int unsigned l = 0; l < BeatBytes; l++) begin
      sign_extend_beat[l * 32 +: 32] = 32'($signed(beat[l * 8 +: 8]));
    end
  endfunction

  tessera_spad #(
    .Depth(UOP_DEPTH), .EntryBytes(UOP_ENTRY_BYTES), .WBeatBytes(BeatBytes),
    .RBeatBytes(BeatBytes)
  ) u_uop (
    .clk_i,
    .beat_we_i    (cp_beat_we_i && !cp_acc_sel_i),
    .beat_waddr_i (cp_beat_waddr_i[UOP_ADDR_W-1:0]),
    .beat_woff_i  (cp_beat_woff_i[UopOffW-1:0]),
    .beat_wbytes_i(cp_beat_wbytes_i),
    .beat_wdata_i (cp_beat_wdata_i),
    .entry_we_i   (cp_pad_we_i && !cp_acc_sel_i),
    .entry_waddr_i(cp_pad_waddr_i[UOP_ADDR_W-1:0]),
    .entry_wdata_i('0),
    .beat2_we_i    (1'b0),
    .beat2_waddr_i ('0),
    .beat2_woff_i  ('0),
    .beat2_wbytes_i('0),
    .beat2_wdata_i ('0),
    .entry_raddr_i(uop_raddr_i),
    .entry_rdata_o(uop_rdata_o),
    .entry2_raddr_i('0),
    .entry2_rdata_o(),
    .beat_raddr_i ('0),
    .beat_roff_i  ('0),
    .beat_rdata_o ()
  );

  tessera_spad #(
    .Depth(INP_DEPTH), .EntryBytes(INP_ENTRY_BYTES), .WBeatBytes(BeatBytes),
    .RBeatBytes(BeatBytes)
  ) u_inp (
    .clk_i,
    .beat_we_i    (ld_beat_we_i && !ld_wgt_sel_i),
    .beat_waddr_i (ld_beat_waddr_i[INP_ADDR_W-1:0]),
    .beat_woff_i  (ld_beat_woff_i[InpOffW-1:0]),
    .beat_wbytes_i(ld_beat_wbytes_i),
    .beat_wdata_i (ld_beat_wdata_i),
    .entry_we_i   (ld_pad_we_i && !ld_wgt_sel_i),
    .entry_waddr_i(ld_pad_waddr_i[INP_ADDR_W-1:0]),
    .entry_wdata_i('0),
    .beat2_we_i    (1'b0),
    .beat2_waddr_i ('0),
    .beat2_woff_i  ('0),
    .beat2_wbytes_i('0),
    .beat2_wdata_i ('0),
    .entry_raddr_i(inp_raddr_i),
    .entry_rdata_o(inp_rdata_o),
    .entry2_raddr_i('0),
    .entry2_rdata_o(),
    .beat_raddr_i ('0),
    .beat_roff_i  ('0),
    .beat_rdata_o ()
  );

  tessera_spad #(
    .Depth(WGT_DEPTH), .EntryBytes(WGT_ENTRY_BYTES), .WBeatBytes(BeatBytes),
    .RBeatBytes(BeatBytes)
  ) u_wgt (
    .clk_i,
    .beat_we_i    (ld_beat_we_i && ld_wgt_sel_i),
    .beat_waddr_i (ld_beat_waddr_i[WGT_ADDR_W-1:0]),
    .beat_woff_i  (ld_beat_woff_i[WgtOffW-1:0]),
    .beat_wbytes_i(ld_beat_wbytes_i),
    .beat_wdata_i (ld_beat_wdata_i),
    .entry_we_i   (ld_pad_we_i && ld_wgt_sel_i),
    .entry_waddr_i(ld_pad_waddr_i[WGT_ADDR_W-1:0]),
    .entry_wdata_i('0),
    .beat2_we_i    (1'b0),
    .beat2_waddr_i ('0),
    .beat2_woff_i  ('0),
    .beat2_wbytes_i('0),
    .beat2_wdata_i ('0),
    .entry_raddr_i(wgt_raddr_i),
    .entry_rdata_o(wgt_rdata_o),
    .entry2_raddr_i('0),
    .entry2_rdata_o(),
    .beat_raddr_i ('0),
    .beat_roff_i  ('0),
    .beat_rdata_o ()
  );

  // acc: DMA beats, padding zeros, GEMM/ALU rows (never in the same cycle).
  logic                  acc_beat_we, acc8_beat_we, acc_row_we;
  logic [ACC_ADDR_W-1:0] acc_row_waddr;
  logic [AccW-1:0]       acc_row_wdata;

  assign acc_beat_we   = cp_beat_we_i && cp_acc_sel_i && !cp_acc8_i;
  assign acc8_beat_we  = cp_beat_we_i && cp_acc_sel_i && cp_acc8_i;
  assign acc_row_we    = acc_we_i || (cp_pad_we_i && cp_acc_sel_i);
  assign acc_row_waddr = acc_we_i ? acc_waddr_i : cp_pad_waddr_i[ACC_ADDR_W-1:0];
  assign acc_row_wdata = acc_we_i ? acc_wdata_i : '0;

  tessera_spad #(
    .Depth(ACC_DEPTH), .EntryBytes(ACC_ENTRY_BYTES), .WBeatBytes(BeatBytes),
    .RBeatBytes(BeatBytes), .W2BeatBytes(4 * BeatBytes), .HasBeat2(1'b1),
    .HasRead2(ALU_READ_PORTS == 2)
  ) u_acc (
    .clk_i,
    .beat_we_i    (acc_beat_we),
    .beat_waddr_i (cp_beat_waddr_i[ACC_ADDR_W-1:0]),
    .beat_woff_i  (cp_beat_woff_i[AccOffW-1:0]),
    .beat_wbytes_i(cp_beat_wbytes_i),
    .beat_wdata_i (cp_beat_wdata_i),
    .entry_we_i   (acc_row_we),
    .entry_waddr_i(acc_row_waddr),
    .entry_wdata_i(acc_row_wdata),
    .beat2_we_i    (acc8_beat_we),
    .beat2_waddr_i (cp_beat_waddr_i[ACC_ADDR_W-1:0]),
    .beat2_woff_i  (AccOffW'({cp_beat_woff_i, 2'b00})),
    .beat2_wbytes_i($clog2(4 * BeatBytes + 1)'({cp_beat_wbytes_i, 2'b00})),
    .beat2_wdata_i (sign_extend_beat(cp_beat_wdata_i)),
    .entry_raddr_i(acc_raddr_i),
    .entry_rdata_o(acc_rdata_o),
    .entry2_raddr_i(acc_raddr2_i),
    .entry2_rdata_o(acc_rdata2_o),
    .beat_raddr_i ('0),
    .beat_roff_i  ('0),
    .beat_rdata_o ()
  );

  tessera_spad #(
    .Depth(OUT_DEPTH), .EntryBytes(OUT_ENTRY_BYTES), .WBeatBytes(OutBeatBytes),
    .RBeatBytes(BeatBytes), .W2BeatBytes(BeatBytes), .HasBeat2(1'b1)
  ) u_out (
    .clk_i,
    .beat_we_i    (acc_beat_we),
    .beat_waddr_i (cp_beat_waddr_i[OUT_ADDR_W-1:0]),
    .beat_woff_i  (OutOffW'(cp_beat_woff_i >> 2)),
    .beat_wbytes_i($clog2(OutBeatBytes + 1)'(cp_beat_wbytes_i >> 2)),
    .beat_wdata_i (low_bytes_beat(cp_beat_wdata_i)),
    .entry_we_i   (acc_row_we),
    .entry_waddr_i(acc_row_waddr),
    .entry_wdata_i(low_bytes_row(acc_row_wdata)),
    .beat2_we_i    (acc8_beat_we),
    .beat2_waddr_i (cp_beat_waddr_i[OUT_ADDR_W-1:0]),
    .beat2_woff_i  (cp_beat_woff_i[OutOffW-1:0]),
    .beat2_wbytes_i(cp_beat_wbytes_i),
    .beat2_wdata_i (cp_beat_wdata_i),
    .entry_raddr_i('0),
    .entry_rdata_o(),
    .entry2_raddr_i('0),
    .entry2_rdata_o(),
    .beat_raddr_i (st_beat_raddr_i[OUT_ADDR_W-1:0]),
    .beat_roff_i  (st_beat_roff_i[OutOffW-1:0]),
    .beat_rdata_o (st_beat_rdata_o)
  );

endmodule
