/** Embedding outputs come as one [batch, dims] tensor; search wants one unit-length vector per input. */
export function unitRows(tensor: { dims: number[]; data: Float32Array }): Float32Array[] {
  const [count, width] = tensor.dims;
  const out: Float32Array[] = [];
  for (let row = 0; row < count; row++) {
    const vector = Float32Array.from(tensor.data.subarray(row * width, (row + 1) * width));
    let norm = 0;
    for (const value of vector) norm += value * value;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < vector.length; i++) vector[i] /= norm;
    out.push(vector);
  }
  return out;
}
