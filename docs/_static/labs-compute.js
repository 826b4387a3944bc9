/* The labs' numbers (labs.js and labs-gradient.js draw them): PyTorch's recurrent layers, step by step,
   in plain JavaScript and float64. Nothing here touches the page. Weights come from the page's own layer
   (rnn_notes.labs writes them into the page); the gate blocks are stacked in PyTorch's order. */
(function () {
  "use strict";

  const DECIMALS = 4;

  function fixed(value, decimals = DECIMALS) {  // what the loop and gates labs show: 4 decimals, "-0.0000" is "0.0000"
    const text = value.toFixed(decimals);
    return Number(text) === 0 ? (0).toFixed(decimals) : text;
  }

  const SUPERSCRIPT = {"-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹"};

  function spanish(value, digits) {  // as rnn_notes.spanish_number writes it: 3,162·10⁻⁹; zero is 0
    if (value === 0) return "0";
    if (!Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : value > 0 ? "∞" : "−∞";
    const [mantissa, exponent] = value.toExponential(digits).split("e");
    const head = mantissa.replace(".", ",").replace("-", "−");
    const power = String(Number(exponent));
    return power === "0" ? head : `${head}·10${[...power].map(c => SUPERSCRIPT[c]).join("")}`;
  }

  function mulberry32(seed) {  // a tiny seeded generator: the same seed, the same "random" input
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // -- Vectors and matrices ------------------------------------------------------------------

  function matvec(matrix, vector) {  // (W v)_j = sum_k W[j][k] v[k]
    return matrix.map(row => row.reduce((sum, w, k) => sum + w * vector[k], 0));
  }

  function add(...vectors) {
    return vectors[0].map((_, j) => vectors.reduce((sum, v) => sum + v[j], 0));
  }

  function matmul(a, b) {
    return a.map(row => b[0].map((_, j) => row.reduce((sum, v, k) => sum + v * b[k][j], 0)));
  }

  function spectralNorm(matrix) {  // the largest singular value: one-sided Jacobi rotations until the columns are orthogonal
    const big = Math.max(...matrix.flat().map(Math.abs));
    if (big === 0) return 0;
    const a = matrix.map(row => row.map(v => v / big)), n = a[0].length;  // scaled: no underflow in the squares
    for (let sweep = 0, rotated = true; rotated && sweep < 50; sweep++) {
      rotated = false;
      for (let p = 0; p < n - 1; p++) {
        for (let q = p + 1; q < n; q++) {
          let alpha = 0, beta = 0, gamma = 0;
          for (const row of a) { alpha += row[p] * row[p]; beta += row[q] * row[q]; gamma += row[p] * row[q]; }
          if (Math.abs(gamma) <= 1e-17 * Math.sqrt(alpha * beta)) continue;
          rotated = true;
          const zeta = (beta - alpha) / (2 * gamma);
          const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.hypot(1, zeta));
          const c = 1 / Math.hypot(1, t), s = c * t;
          for (const row of a) { const x = row[p], y = row[q]; row[p] = c * x - s * y; row[q] = s * x + c * y; }
        }
      }
    }
    return big * Math.max(...a[0].map((_, j) => Math.hypot(...a.map(row => row[j]))));
  }

  const sigmoid = v => 1 / (1 + Math.exp(-v));
  const ACTIVATIONS = {tanh: Math.tanh, relu: v => Math.max(0, v)};
  const DERIVATIVES = {tanh: h => 1 - h * h, relu: h => (h > 0 ? 1 : 0)};  // from the state h = act(z)

  function blocks(stacked, names) {  // PyTorch stacks the gates' blocks in its order: i, f, g, o or r, z, n
    const size = stacked.length / names.length;
    return Object.fromEntries(names.map((name, k) => [name, stacked.slice(k * size, (k + 1) * size)]));
  }

  // -- The layers, step by step ---------------------------------------------------------------

  function rnnSteps(w, xs, h0, nonlinearity = "tanh", scale = 1) {  // scale multiplies W_hh (the gradient lab)
    const act = ACTIVATIONS[nonlinearity];
    const steps = [];
    let h = h0;
    for (const x of xs) {
      const xw = matvec(w.weight_ih, x), hw = matvec(w.weight_hh, h).map(v => scale * v);
      const z = add(add(xw, w.bias_ih), add(hw, w.bias_hh));  // a_t + r_t, as on the page
      const next = z.map(act);
      steps.push({hPrev: h, xw: xw, bih: w.bias_ih, hw: hw, bhh: w.bias_hh, z: z, h: next});
      h = next;
    }
    return steps;
  }

  function lstmSteps(w, xs, h0, c0, forgetBias) {
    const names = ["i", "f", "g", "o"];
    const W = blocks(w.weight_ih, names), U = blocks(w.weight_hh, names);
    const b = blocks(w.bias_ih, names), d = blocks(w.bias_hh, names);
    const steps = [];
    let h = h0, c = c0;
    for (const x of xs) {
      const pre = name => add(add(matvec(W[name], x), b[name]), add(matvec(U[name], h), d[name]));
      const gates = {i: pre("i").map(sigmoid), f: add(pre("f"), h.map(() => forgetBias)).map(sigmoid),
                     g: pre("g").map(Math.tanh), o: pre("o").map(sigmoid)};
      c = add(gates.f.map((f, j) => f * c[j]), gates.i.map((i, j) => i * gates.g[j]));
      h = gates.o.map((o, j) => o * Math.tanh(c[j]));
      steps.push({gates: gates, c: c, h: h});
    }
    return steps;
  }

  function gruSteps(w, xs, h0) {
    const names = ["r", "z", "n"];
    const W = blocks(w.weight_ih, names), U = blocks(w.weight_hh, names);
    const b = blocks(w.bias_ih, names), d = blocks(w.bias_hh, names);
    const steps = [];
    let h = h0;
    for (const x of xs) {
      const fromX = name => add(matvec(W[name], x), b[name]), fromH = name => add(matvec(U[name], h), d[name]);
      const r = add(fromX("r"), fromH("r")).map(sigmoid), z = add(fromX("z"), fromH("z")).map(sigmoid);
      const hn = fromH("n");
      const n = fromX("n").map((v, j) => Math.tanh(v + r[j] * hn[j]));
      h = n.map((v, j) => (1 - z[j]) * v + z[j] * h[j]);
      steps.push({gates: {r: r, z: z, n: n}, h: h});
    }
    return steps;
  }

  // -- The gradient: ∂h_T/∂h_t, a product of step Jacobians ----------------------------------

  function jacobianNorms(w, xs, nonlinearity, scale) {
    // As rnn_notes.jacobian_norms: entry k is the spectral norm of ∂h_T/∂h_{T-k}, from h_0 = 0; the step
    // Jacobian is diag(act'(z_t)) · scale·W_hh, and the product gains one on the right per step back.
    const H = w.weight_hh.length, derivative = DERIVATIVES[nonlinearity];
    const states = rnnSteps(w, xs, Array(H).fill(0), nonlinearity, scale).map(step => step.h);
    let product = Array.from({length: H}, (_, i) => Array.from({length: H}, (_, j) => (i === j ? 1 : 0)));
    const norms = [1];
    for (const h of states.reverse()) {
      product = matmul(product, w.weight_hh.map((row, i) => row.map(v => derivative(h[i]) * scale * v)));
      norms.push(spectralNorm(product));
    }
    return norms;
  }

  window.RnnLabs = {
    DECIMALS, fixed, spanish, mulberry32, rnnSteps, lstmSteps, gruSteps, jacobianNorms, spectralNorm,
    builders: {},  // data-lab -> function (root, data) returning {form, update}; labs.js starts them
  };
})();
