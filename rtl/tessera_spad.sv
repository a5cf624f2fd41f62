// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_spad: one scratchpad, an inferred array of Depth entries of EntryBytes bytes.
//
// Ports:
// - beat write (DMA): one DRAM data beat of WBeatBytes bytes. When an entry is at least a
//   beat wide, the beat fills the beat-aligned chunk at byte offset beat_woff_i of entry
//   beat_waddr_i; when entries are narrower, the beat fills beat_wbytes_i / EntryBytes
//   consecutive entries from beat_waddr_i (the last beat of a DRAM row may be partial).
// - entry write: one whole entry (LOAD padding, GEMM and ALU results).
// - entry read: one whole entry, combinational (GEMM operands, accumulator rows).
// - second entry read (HasRead2): the same, for an ALU register operand read in the cycle
//   of its destination row (acc with ALU_READ_PORTS = 2 only).
// - beat read: RBeatBytes bytes for a STORE data beat, the same chunking as beat write.
// - wide beat write: W2BeatBytes bytes, chunked like beat write, merged into the entries
//   with a byte mask (acc8 LOADs: a beat of B int8 values becomes 4B bytes of lanes).

module tessera_spad #(
  parameter int unsigned Depth = 256,
  parameter int unsigned EntryBytes = 16,
  parameter int unsigned WBeatBytes = 4,
  parameter int unsigned RBeatBytes = 4,
  parameter int unsigned W2BeatBytes = 4,
  parameter bit HasBeat2 = 1'b0,  // the wide beat-write port exists (acc and out only)
  parameter bit HasRead2 = 1'b0,  // the second entry read port exists (acc, 2 ALU ports)
  localparam int unsigned AddrW = (Depth > 1) ? $clog2(Depth) : 1,
  localparam int unsigned EntryW = EntryBytes * 8,
  localparam int unsigned WBeatW = WBeatBytes * 8,
  localparam int unsigned RBeatW = RBeatBytes * 8,
  localparam int unsigned OffW = (EntryBytes > 1) ? $clog2(EntryBytes) : 1,
  localparam int unsigned WBytesW = $clog2(WBeatBytes + 1),
  localparam int unsigned W2BeatW = W2BeatBytes * 8,
  localparam int unsigned W2BytesW = $clog2(W2BeatBytes + 1),
  localparam int unsigned W2Entries = (W2BeatBytes > EntryBytes) ? W2BeatBytes / EntryBytes : 1
) (
  input  logic               clk_i,

  input  logic               beat_we_i,
  input  logic [AddrW-1:0]   beat_waddr_i,
  input  logic [OffW-1:0]    beat_woff_i,
  input  logic [WBytesW-1:0] beat_wbytes_i,
  input  logic [WBeatW-1:0]  beat_wdata_i,

  input  logic               entry_we_i,
  input  logic [AddrW-1:0]   entry_waddr_i,
  input  logic [EntryW-1:0]  entry_wdata_i,

  input  logic                beat2_we_i,
  input  logic [AddrW-1:0]    beat2_waddr_i,
  input  logic [OffW-1:0]     beat2_woff_i,
  input  logic [W2BytesW-1:0] beat2_wbytes_i,
  input  logic [W2BeatW-1:0]  beat2_wdata_i,

  input  logic [AddrW-1:0]   entry_raddr_i,
  output logic [EntryW-1:0]  entry_rdata_o,

  input  logic [AddrW-1:0]   entry2_raddr_i,
  output logic [EntryW-1:0]  entry2_rdata_o,

  input  logic [AddrW-1:0]   beat_raddr_i,
  input  logic [OffW-1:0]    beat_roff_i,
  output logic [RBeatW-1:0]  beat_rdata_o
);

  logic [EntryW-1:0] mem_q [Depth];

  // Wide beat write, as W2Entries masked entry writes.
  logic              w2_en   [W2Entries];
  logic [EntryW-1:0] w2_mask [W2Entries];
  logic [EntryW-1:0] w2_data [W2Entries];

  if (!HasBeat2) begin : gen_no_w2
    for (genvar j = 0; j < W2Entries; j++) begin : gen_entry
      assign w2_en[j]   = 1'b0;
      assign w2_mask[j] = '0;
      assign w2_data[j] = '0;
    end
  end else if (EntryBytes >= W2BeatBytes) begin : gen_w2chunk
    localparam int unsigned Chunks = EntryBytes / W2BeatBytes;
    localparam int unsigned ChunkW = (Chunks > 1) ? $clog2(Chunks) : 1;
    logic [ChunkW-1:0] chunk;
    if (Chunks > 1) begin : gen_sel
      assign chunk = beat2_woff_i[OffW-1 -: ChunkW];
    end else begin : gen_one
      assign chunk = '0;
    end
    assign w2_en[0]   = beat2_we_i;
    assign w2_mask[0] = EntryW'({W2BeatW{1'b1}}) << (32'(chunk) * W2BeatW);
    assign w2_data[0] = EntryW'(beat2_wdata_i) << (32'(chunk) * W2BeatW);
  end else begin : gen_w2entries
    for (genvar j = 0; j < W2Entries; j++) begin : gen_entry
      assign w2_en[j]   = beat2_we_i && (j * EntryBytes < 32'(beat2_wbytes_i));
      assign w2_mask[j] = '1;
      assign w2_data[j] = beat2_wdata_i[j * EntryW +: EntryW];
    end
  end

  // Beat write: a chunk of one entry, or several whole entries.
  if (EntryBytes >= WBeatBytes) begin : gen_wchunk
    localparam int unsigned Chunks = EntryBytes / WBeatBytes;
    localparam int unsigned ChunkW = (Chunks > 1) ? $clog2(Chunks) : 1;
    logic [ChunkW-1:0] wchunk;
    if (Chunks > 1) begin : gen_sel
      assign wchunk = beat_woff_i[OffW-1 -: ChunkW];
    end else begin : gen_one
      assign wchunk = '0;
    end
    always_ff @(posedge clk_i) begin
      if (beat_we_i) begin
        mem_q[beat_waddr_i][32'(wchunk) * WBeatW +: WBeatW] <= beat_wdata_i;
      end
      if (entry_we_i) begin
        mem_q[entry_waddr_i] <= entry_wdata_i;
      end
      for (int unsigned j = 0; j < W2Entries; j++) begin
        if (w2_en[j]) begin
          mem_q[beat2_waddr_i + AddrW'(j)] <= (mem_q[beat2_waddr_i + AddrW'(j)] & ~w2_mask[j]) |
                                              (w2_data[j] & w2_mask[j]);
        end
      end
    end
  end else begin : gen_wentries
    localparam int unsigned PerBeat = WBeatBytes / EntryBytes;
    always_ff @(posedge clk_i) begin
      if (beat_we_i) begin
        for (int unsigned j = 0; j < PerBeat; j++) begin
          if (j * EntryBytes < 32'(beat_wbytes_i)) begin
            mem_q[beat_waddr_i + AddrW'(j)] <= beat_wdata_i[j * EntryW +: EntryW];
          end
        end
      end
      if (entry_we_i) begin
        mem_q[entry_waddr_i] <= entry_wdata_i;
      end
      for (int unsigned j = 0; j < W2Entries; j++) begin
        if (w2_en[j]) begin
          mem_q[beat2_waddr_i + AddrW'(j)] <= (mem_q[beat2_waddr_i + AddrW'(j)] & ~w2_mask[j]) |
                                              (w2_data[j] & w2_mask[j]);
        end
      end
    end
  end

  assign entry_rdata_o = mem_q[entry_raddr_i];

  if (HasRead2) begin : gen_read2
    assign entry2_rdata_o = mem_q[entry2_raddr_i];
  end else begin : gen_no_read2
    assign entry2_rdata_o = '0;
  end

  // Beat read: a chunk of one entry, or several whole entries.
  if (EntryBytes >= RBeatBytes) begin : gen_rchunk
    localparam int unsigned Chunks = EntryBytes / RBeatBytes;
    localparam int unsigned ChunkW = (Chunks > 1) ? $clog2(Chunks) : 1;
    logic [ChunkW-1:0] rchunk;
    logic [EntryW-1:0] rentry;
    if (Chunks > 1) begin : gen_sel
      assign rchunk = beat_roff_i[OffW-1 -: ChunkW];
    end else begin : gen_one
      assign rchunk = '0;
    end
    assign rentry = mem_q[beat_raddr_i];
    assign beat_rdata_o = rentry[32'(rchunk) * RBeatW +: RBeatW];
  end else begin : gen_rentries
    localparam int unsigned PerBeat = RBeatBytes / EntryBytes;
    always_comb begin
      for (int unsigned j = 0; j < PerBeat; j++) begin
        beat_rdata_o[j * EntryW +: EntryW] = mem_q[beat_raddr_i + AddrW'(j)];
      end
    end
  end

endmodule
