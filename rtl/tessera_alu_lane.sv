// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_alu_lane: one 32-bit lane of the vector ALU, result = op(x, operand), bit-exact
// with isa/alu_ops.h:
// - add, sub, mul wrap; min, max signed; mov copies the operand;
// - shr: round-half-up shift right by min(s, 31) for s >= 0, shift left by min(-s, 31);
// - clip: clamp to [operand[15:8], operand[7:0]] as signed bytes;
// - requant: saturate_int8(round_half_up(x * m >> s)) with a 64-bit product, m =
//   operand[31:8] and s = min(operand[7:0], 63); with use_imm, m = 1 and s = max(imm, 0);
// - lut: entry saturate_int8(x) + 128 of the lookup table lut_i, sign-extended;
// - lutset leaves x (the ALU writes the table, not the lane).

// Lane internals are left out of VCD traces (see tessera_gemm.sv); the ports are traced in
// the parent.
/* verilator tracing_off */
module tessera_alu_lane
  import tessera_pkg::*;
(
  input  logic        enable_i,   // a row is written this cycle (result is 0 otherwise)
  input  alu_op_e     op_i,
  input  logic        use_imm_i,
  input  logic [31:0] x_i,
  input  logic [31:0] operand_i,
  input  logic [LUT_ENTRIES*8-1:0] lut_i,  // the lookup table, entry i at bits [8i+7:8i]
  output logic [31:0] result_o
);

  logic signed [31:0] x, operand;
  assign x       = $signed(x_i);
  assign operand = $signed(operand_i);

  // Round-half-up arithmetic shift of a 64-bit value by 0..63.
  function automatic logic signed [63:0] round_shift(logic signed [63:0] value,
                                                     logic [5:0] shift);
    logic signed [63:0] half;
    if (shift == '0) begin
      return value;
    end
    half = 64'sd1 <<< (shift - 6'd1);
    return (value + half) >>> shift;
  endfunction

  function automatic logic [31:0] sat_int8(logic signed [63:0] value);
    if (value > 64'sd127) begin
      return 32'd127;
    end
    if (value < -64'sd128) begin
      return 32'hffff_ff80;
    end
    return 32'(value);
  endfunction

  // Each operation is computed inside its own case item, so that a simulator evaluates
  // only the selected one.
  function automatic logic [31:0] shift_right(logic signed [31:0] value, logic signed [31:0] shift);
    if (!shift[31]) begin
      return 32'(round_shift(64'(value), (shift > 32'sd31) ? 6'd31 : 6'(shift)));
    end
    return (shift < -32'sd31) ? (value << 31) : (value << 5'(-shift));
  endfunction

  function automatic logic [31:0] clip(logic signed [31:0] value, logic [15:0] bounds);
    logic signed [31:0] lo, hi, clipped;
    lo = 32'($signed(bounds[15:8]));
    hi = 32'($signed(bounds[7:0]));
    clipped = (value < lo) ? lo : value;
    return (clipped > hi) ? hi : clipped;
  endfunction

  function automatic logic [31:0] requant(logic signed [31:0] value, logic [31:0] rq_operand,
                                          logic imm);
    logic [23:0]        multiplier;
    logic [5:0]         shift;
    logic signed [31:0] signed_operand;
    signed_operand = $signed(rq_operand);
    if (imm) begin
      multiplier = 24'd1;
      shift      = signed_operand[31] ? 6'd0 : (signed_operand > 32'sd63) ? 6'd63 :
                                                6'(signed_operand);
    end else begin
      multiplier = rq_operand[31:8];
      shift      = (rq_operand[7:0] > 8'd63) ? 6'd63 : 6'(rq_operand[7:0]);
    end
    return sat_int8(round_shift(64'(value) * $signed({40'd0, multiplier}), shift));
  endfunction

  // The table entry of saturate_int8(value), sign-extended.
  function automatic logic [31:0] lookup(logic signed [31:0] value,
                                         logic [LUT_ENTRIES*8-1:0] table_bits);
    logic [7:0] index;
    if (value > 32'sd127) begin
      index = 8'd255;
    end else if (value < -32'sd128) begin
      index = 8'd0;
    end else begin
      index = value[7:0] ^ 8'h80;
    end
    return 32'($signed(table_bits[index * 8 +: 8]));
  endfunction

  always_comb begin
    if (!enable_i) begin
      result_o = '0;
    end else begin
      unique case (op_i)
        ALU_ADD:     result_o = x_i + operand_i;
        ALU_SUB:     result_o = x_i - operand_i;
        ALU_MUL:     result_o = x_i * operand_i;
        ALU_MIN:     result_o = (x < operand) ? x_i : operand_i;
        ALU_MAX:     result_o = (x > operand) ? x_i : operand_i;
        ALU_SHR:     result_o = shift_right(x, operand);
        ALU_CLIP:    result_o = clip(x, operand_i[15:0]);
        ALU_REQUANT: result_o = requant(x, operand_i, use_imm_i);
        ALU_MOV:     result_o = operand_i;
        ALU_LUT:     result_o = lookup(x, lut_i);
        default:     result_o = x_i;
      endcase
    end
  end

endmodule
