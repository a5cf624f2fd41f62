// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_dma_load: the DMA engine of a LOAD (docs/microarchitecture.md, section 6).
//
// In the start cycle it requests the DRAM channel; from the grant g it issues one burst
// per cycle. Each data beat is written to the scratchpad in its cycle (beat_*_o). After
// the last beat it writes the padding, one zero entry per cycle: the rows above, then
// for each data row its left and right entries, then the rows below. done_o is high in
// the instruction's last cycle e - 1 (e = f + beats + pad). stall_o marks the cycles the
// contract counts as DRAM stalls: [s, g) and [g + L, f).

module tessera_dma_load #(
  parameter int unsigned BurstBytes = 256,
  parameter int unsigned BeatBytes = 16,
  parameter int unsigned LatencyCycles = 40,
  parameter int unsigned DramAddrW = 48,
  localparam int unsigned BurstBytesW = $clog2(BurstBytes + 1),
  localparam int unsigned BeatBytesW = $clog2(BeatBytes + 1)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  // Instruction (valid in the start cycle only; non-empty transfers only).
  input  logic                   start_i,
  input  logic [31:0]            dram_base_i,
  input  logic [31:0]            sram_base_i,
  input  logic [15:0]            y_size_i,
  input  logic [15:0]            x_size_i,
  input  logic [15:0]            x_stride_i,
  input  logic [3:0]             y_pad_0_i,
  input  logic [3:0]             y_pad_1_i,
  input  logic [3:0]             x_pad_0_i,
  input  logic [3:0]             x_pad_1_i,
  input  logic [4:0]             elog2_i,

  // DRAM requests and read beats.
  output logic                   req_o,
  output logic                   req_last_o,
  output logic [DramAddrW-1:0]   req_addr_o,
  output logic [BurstBytesW-1:0] req_bytes_o,
  input  logic                   gnt_i,
  input  logic                   beat_valid_i,
  input  logic [BeatBytes*8-1:0] beat_data_i,

  // Scratchpad writes: data beats and zero (padding) entries.
  output logic                   beat_we_o,
  output logic [31:0]            beat_waddr_o,
  output logic [15:0]             beat_woff_o,
  output logic [BeatBytesW-1:0]  beat_wbytes_o,
  output logic [BeatBytes*8-1:0] beat_wdata_o,
  output logic                   pad_we_o,
  output logic [31:0]            pad_waddr_o,

  output logic                   busy_o,
  output logic                   done_o,
  output logic                   stall_o
);

  typedef enum logic [1:0] {
    StIdle,
    StData,
    StPad
  } state_e;

  state_e      state_q, state_d;
  logic [31:0] sram_base_q;
  logic [15:0] y_size_q, x_size_q;
  logic [3:0]  y_pad_0_q, y_pad_1_q, x_pad_0_q, x_pad_1_q;
  logic [4:0]  elog2_q;
  logic        granted_q, beat_seen_q;
  logic [15:0] since_grant_q;

  // Derived shape of the padded block.
  logic [16:0] cols, rows;
  logic [4:0]  xpad;
  logic [23:0] row_bytes;
  logic [16:0] pad_first_row;

  assign xpad          = 5'(x_pad_0_q) + 5'(x_pad_1_q);
  assign cols          = 17'(x_pad_0_q) + 17'(x_size_q) + 17'(x_pad_1_q);
  assign rows          = 17'(y_pad_0_q) + 17'(y_size_q) + 17'(y_pad_1_q);
  assign row_bytes     = 24'(x_size_q) << elog2_q;
  assign pad_first_row = (y_pad_0_q == '0 && xpad == '0) ? 17'(y_size_q) : 17'd0;

  // Bursts.
  tessera_dma_bursts #(
    .BurstBytes(BurstBytes),
    .DramAddrW (DramAddrW)
  ) u_bursts (
    .clk_i,
    .rst_ni,
    .start_i,
    .dram_base_i,
    .y_size_i,
    .x_size_i,
    .x_stride_i,
    .elog2_i,
    .req_o,
    .last_o (req_last_o),
    .addr_o (req_addr_o),
    .bytes_o(req_bytes_o),
    .gnt_i
  );

  // Data beats.
  logic [15:0] beat_row;
  logic [23:0] beat_off;
  logic        beat_last;
  logic        beat_fire;

  assign beat_fire = beat_valid_i && (state_q == StData);

  tessera_dma_beats #(
    .BeatBytes(BeatBytes)
  ) u_beats (
    .clk_i,
    .rst_ni,
    .start_i,
    .y_size_i   (y_size_q),
    .row_bytes_i(row_bytes),
    .step_i     (beat_fire),
    .row_o      (beat_row),
    .off_o      (beat_off),
    .bytes_o    (beat_wbytes_o),
    .last_o     (beat_last)
  );

  logic [39:0] beat_row_base;
  assign beat_row_base = 40'(sram_base_q) + (40'(beat_row) + 40'(y_pad_0_q)) * 40'(cols) +
                         40'(x_pad_0_q);
  assign beat_we_o    = beat_fire;
  logic [23:0] beat_entry;
  assign beat_entry   = beat_off >> elog2_q;
  assign beat_waddr_o = 32'(beat_row_base + 40'(beat_entry));
  assign beat_woff_o  = 16'(beat_off & ((24'd1 << elog2_q) - 24'd1));
  assign beat_wdata_o = beat_data_i;

  // Padding walk: row pad_row_q of the padded block, its pad_k_q-th zero entry.
  logic [16:0] pad_row_q, pad_row_d;
  logic [16:0] pad_k_q, pad_k_d;
  logic        pad_data_row, pad_row_end;
  logic [16:0] pad_row_len, pad_next_row, pad_col;
  logic        pad_last;

  assign pad_data_row = (pad_row_q >= 17'(y_pad_0_q)) &&
                        (pad_row_q < 17'(y_pad_0_q) + 17'(y_size_q));
  assign pad_row_len  = pad_data_row ? 17'(xpad) : cols;
  assign pad_row_end  = (pad_k_q + 17'd1 == pad_row_len);
  assign pad_col      = !pad_data_row ? pad_k_q :
                        (pad_k_q < 17'(x_pad_0_q)) ? pad_k_q : pad_k_q + 17'(x_size_q);
  assign pad_next_row = (pad_row_q + 17'd1 == 17'(y_pad_0_q) && xpad == '0) ?
                        17'(y_pad_0_q) + 17'(y_size_q) : pad_row_q + 17'd1;
  assign pad_last     = (state_q == StPad) && pad_row_end && (pad_next_row == rows);
  assign pad_we_o     = (state_q == StPad);
  assign pad_waddr_o  = 32'(40'(sram_base_q) + 40'(pad_row_q) * 40'(cols) + 40'(pad_col));

  always_comb begin
    pad_row_d = pad_row_q;
    pad_k_d   = pad_k_q;
    if (beat_fire && beat_last) begin
      pad_row_d = pad_first_row;
      pad_k_d   = '0;
    end else if (state_q == StPad) begin
      if (pad_row_end) begin
        pad_row_d = pad_next_row;
        pad_k_d   = '0;
      end else begin
        pad_k_d = pad_k_q + 17'd1;
      end
    end
  end

  always_comb begin
    state_d = state_q;
    unique case (state_q)
      StIdle: if (start_i) state_d = StData;
      StData: begin
        if (beat_fire && beat_last) begin
          state_d = (pad_first_row == rows) ? StIdle : StPad;
        end
      end
      StPad:  if (pad_last) state_d = StIdle;
      default: state_d = StIdle;
    endcase
  end

  assign busy_o = (state_q != StIdle);
  assign done_o = (beat_fire && beat_last && pad_first_row == rows) || pad_last;

  // DRAM stall classification.
  logic wait_issue, wait_bus;
  assign wait_issue = req_o && !gnt_i && (start_i || !granted_q);
  assign wait_bus   = granted_q && !beat_seen_q && !beat_valid_i &&
                      (32'(since_grant_q) >= LatencyCycles);
  assign stall_o    = (state_q == StData || start_i) && (wait_issue || wait_bus);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q       <= StIdle;
      sram_base_q   <= '0;
      y_size_q      <= '0;
      x_size_q      <= '0;
      y_pad_0_q     <= '0;
      y_pad_1_q     <= '0;
      x_pad_0_q     <= '0;
      x_pad_1_q     <= '0;
      elog2_q       <= '0;
      granted_q     <= 1'b0;
      beat_seen_q   <= 1'b0;
      since_grant_q <= '0;
      pad_row_q     <= '0;
      pad_k_q       <= '0;
    end else begin
      state_q   <= state_d;
      pad_row_q <= pad_row_d;
      pad_k_q   <= pad_k_d;
      if (start_i) begin
        sram_base_q <= sram_base_i;
        y_size_q    <= y_size_i;
        x_size_q    <= x_size_i;
        y_pad_0_q   <= y_pad_0_i;
        y_pad_1_q   <= y_pad_1_i;
        x_pad_0_q   <= x_pad_0_i;
        x_pad_1_q   <= x_pad_1_i;
        elog2_q     <= elog2_i;
        granted_q   <= gnt_i;
        beat_seen_q <= 1'b0;
        since_grant_q <= 16'd1;
      end else begin
        if (gnt_i) begin
          granted_q <= 1'b1;
        end
        if (beat_valid_i) begin
          beat_seen_q <= 1'b1;
        end
        if (!granted_q && gnt_i) begin
          since_grant_q <= 16'd1;
        end else if (since_grant_q != '1) begin
          since_grant_q <= since_grant_q + 16'd1;
        end
      end
    end
  end

endmodule
