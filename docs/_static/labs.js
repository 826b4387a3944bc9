/* The site's labs (rnn_notes.labs writes their data into the page): change the input, watch every number change.
   Plain JavaScript, numbers in float64, nothing fetched. Each <div class="lab" data-lab="..."> holds a static
   table (what a reader without JavaScript sees) and its data as JSON; this file replaces the table by the lab.
   Testing contract: inputs <input type="number" name="x[t][i]"> (t, i from 1) and "h0[j]"; outputs
   <output name="h[t][j]">, gates "gate[t][name][j]"; every output follows the "input" event. */
(function () {
  "use strict";

  const DECIMALS = 4;

  // -- Numbers ---------------------------------------------------------------------------

  function fixed(value) {
    const text = value.toFixed(DECIMALS);
    return Number(text) === 0 ? (0).toFixed(DECIMALS) : text;
  }

  function matvec(matrix, vector) {  // (W v)_j = sum_k W[j][k] v[k]
    return matrix.map(row => row.reduce((sum, w, k) => sum + w * vector[k], 0));
  }

  function add(...vectors) {
    return vectors[0].map((_, j) => vectors.reduce((sum, v) => sum + v[j], 0));
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

  // -- The layers, step by step ---------------------------------------------------------

  function rnnSteps(w, xs, h0) {
    const steps = [];
    let h = h0;
    for (const x of xs) {
      const xw = matvec(w.weight_ih, x), hw = matvec(w.weight_hh, h);
      const z = add(add(xw, w.bias_ih), add(hw, w.bias_hh));  // a_t + r_t, as on the page
      const next = z.map(Math.tanh);
      steps.push({hPrev: h, xw: xw, bih: w.bias_ih, hw: hw, bhh: w.bias_hh, z: z, h: next});
      h = next;
    }
    return steps;
  }

  const sigmoid = v => 1 / (1 + Math.exp(-v));

  function blocks(stacked, names) {  // PyTorch stacks the gates' blocks in its order: i, f, g, o or r, z, n
    const size = stacked.length / names.length;
    return Object.fromEntries(names.map((name, k) => [name, stacked.slice(k * size, (k + 1) * size)]));
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

  // -- DOM helpers -------------------------------------------------------------------------

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null) node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  function sub(base, index) {  // "h", "t,1" -> h<sub>t,1</sub>
    return [base, el("sub", {}, index)];
  }

  function show(output, value) {
    output.value = fixed(value);
    output.dataset.value = String(value);
  }

  // -- The labs: the loop (data-lab="rnn"), the gates ("lstm", "gru") ------------------------

  const GATE_NAMES = {i: "Puerta de entrada i", f: "Puerta de olvido f", g: "Candidato g", o: "Puerta de salida o",
                      r: "Puerta de reinicio r", z: "Puerta de actualización z", n: "Candidato n"};

  const PIECES = [  // the step's terms, as the page names them
    ["xw", "xₜ W_ihᵀ", "término de entrada sin sesgo"],
    ["bih", "b_ih", "sesgo de la entrada"],
    ["hw", "hₜ₋₁ W_hhᵀ", "término recurrente sin sesgo"],
    ["bhh", "b_hh", "sesgo recurrente"],
    ["z", "zₜ", "preactivación"],
    ["h", "hₜ = tanh zₜ", "estado"],
  ];

  function presets(data) {
    const T = data.x.length, n = data.input_size;
    const fill = f => Array.from({length: T}, (_, t) => Array.from({length: n}, (_, i) => f(t, i)));
    return {
      page: () => data.x.map(row => row.slice()),
      zeros: () => fill(() => 0),
      spike: () => fill(t => (t === Math.min(1, T - 1) ? 3 : 0)),
      random: seed => {
        const next = mulberry32(seed);
        return fill(() => Math.round((next() * 6 - 3) * 100) / 100);
      },
    };
  }

  function numberInput(name, value, label) {
    return el("input", {type: "number", name: name, value: String(value), step: "any", "aria-label": label,
                        inputmode: "decimal"});
  }

  function buildLab(root, data) {
    const T = data.x.length, n = data.input_size, H = data.hidden_size;
    const form = el("form", {class: "lab-form", "aria-label": "Laboratorio: la capa en el navegador"});
    form.addEventListener("submit", event => event.preventDefault());

    // Presets.
    const make = presets(data);
    const seed = el("input", {type: "number", name: "seed", value: "1", min: "0", step: "1",
                              "aria-label": "Semilla de la entrada al azar", class: "lab-seed"});
    const button = (text, action) => {
      const b = el("button", {type: "button"}, text);
      b.addEventListener("click", action);
      return b;
    };
    const setX = values => {
      values.forEach((row, t) => row.forEach((v, i) => { form.elements[`x[${t + 1}][${i + 1}]`].value = String(v); }));
      update();
    };
    const spikeStep = Math.min(2, T);
    const bar = el("div", {class: "lab-presets", role: "group", "aria-label": "Entradas de ejemplo"},
      button("La de la página", () => setX(make.page())),
      button("Todo ceros", () => setX(make.zeros())),
      button(`Un pico en t = ${spikeStep}`, () => setX(make.spike())),
      el("span", {class: "lab-random"},
        button("Al azar", () => setX(make.random(Number(seed.value) || 0))),
        el("label", {}, " semilla ", seed)));

    // h_0.
    const h0 = el("p", {class: "lab-h0"}, ...sub("h", "0"), " = (");
    data.h0.forEach((v, j) => {
      if (j) h0.append(", ");
      h0.append(numberInput(`h0[${j + 1}]`, v, `Estado inicial h0, componente ${j + 1}`));
    });
    h0.append(")");
    const extras = [];
    if (data.c0) {  // an LSTM's cell state and its forget-gate bias
      const c0 = el("p", {class: "lab-h0"}, ...sub("c", "0"), " = (");
      data.c0.forEach((v, j) => {
        if (j) c0.append(", ");
        c0.append(numberInput(`c0[${j + 1}]`, v, `Estado de celda inicial c0, componente ${j + 1}`));
      });
      c0.append(")");
      const bias = numberInput("forget_bias", 0, "Valor sumado al sesgo de la puerta de olvido");
      bias.classList.add("lab-seed");
      extras.push(c0, el("p", {class: "lab-h0"}, el("label", {}, "Suma al sesgo de la puerta de olvido, b_hf: ", bias)));
    }

    // The table: one column per step, the inputs x_t then the states h_t.
    const head = el("tr", {}, el("th", {scope: "col"}, ""));
    for (let t = 1; t <= T; t++) head.append(el("th", {scope: "col", "data-t": t}, `t = ${t}`));
    const body = el("tbody");
    for (let i = 1; i <= n; i++) {
      const row = el("tr", {}, el("th", {scope: "row"}, ...sub("x", `t,${i}`)));
      for (let t = 1; t <= T; t++) {
        row.append(el("td", {"data-t": t},
          numberInput(`x[${t}][${i}]`, data.x[t - 1][i - 1], `Entrada x en el paso ${t}, componente ${i}`)));
      }
      body.append(row);
    }
    const outputs = {};  // outputs[series][t - 1][j - 1]; series: a gate's name, "c" or "h"
    const series = Object.keys(data.gates || {}).map(name => [name, "lab-gate", GATE_NAMES[name]]);
    if (data.c0) series.push(["c", "lab-state", "Estado de celda c"]);
    series.push(["h", "lab-state", "Estado h"]);
    for (const [name, css, description] of series) {
      outputs[name] = Array.from({length: T}, () => []);
      for (let j = 1; j <= H; j++) {
        const row = el("tr", {class: css}, el("th", {scope: "row", title: description}, ...sub(name, `t,${j}`)));
        for (let t = 1; t <= T; t++) {
          const output = el("output", {name: css === "lab-gate" ? `gate[${t}][${name}][${j}]` : `${name}[${t}][${j}]`,
                                       "aria-label": `${description} en el paso ${t}, componente ${j}`});
          outputs[name][t - 1].push(output);
          const cell = el("td", {"data-t": t}, output);
          if (css === "lab-gate") cell.append(el("span", {class: "lab-bar", "aria-hidden": "true"}, el("span")));
          row.append(cell);
        }
        body.append(row);
      }
    }
    const table = el("table", {class: "lab-table"}, el("thead", {}, head), body);

    // Step through t = 1..T.
    let current = 1;
    const status = el("output", {name: "step", "aria-live": "polite", "aria-label": "Paso elegido"});
    const previous = button("◀ Paso anterior", () => { current = Math.max(1, current - 1); update(); });
    const nextButton = button("Paso siguiente ▶", () => { current = Math.min(T, current + 1); update(); });
    const pieceHead = el("tr", {}, el("th", {scope: "col"}, "pieza"));
    for (let j = 1; j <= H; j++) pieceHead.append(el("th", {scope: "col"}, `componente ${j}`));
    const pieceBody = el("tbody");
    const pieceOut = {};
    for (const [key, label, description] of PIECES) {
      const row = el("tr", {}, el("th", {scope: "row", title: description}, label));
      pieceOut[key] = [];
      for (let j = 1; j <= H; j++) {
        const output = el("output", {name: `step[${key}][${j}]`, "aria-label": `${description}, componente ${j}`});
        pieceOut[key].push(output);
        row.append(el("td", {}, output));
      }
      pieceBody.append(row);
    }
    const stepper = el("div", {class: "lab-stepper"},
      el("p", {class: "lab-stepper-bar"}, previous, " ", status, " ", nextButton),
      el("table", {class: "lab-table lab-pieces"}, el("thead", {}, pieceHead), pieceBody));

    function read(name) {
      const value = Number(form.elements[name].value);
      return Number.isFinite(value) ? value : 0;  // an empty or half-typed field counts as 0
    }

    function update() {
      const xs = Array.from({length: T}, (_, t) => Array.from({length: n}, (_, i) => read(`x[${t + 1}][${i + 1}]`)));
      const start = Array.from({length: H}, (_, j) => read(`h0[${j + 1}]`));
      const steps = data.kind === "lstm"
        ? lstmSteps(data.weights, xs, start, Array.from({length: H}, (_, j) => read(`c0[${j + 1}]`)), read("forget_bias"))
        : data.kind === "gru" ? gruSteps(data.weights, xs, start) : rnnSteps(data.weights, xs, start);
      steps.forEach((step, t) => {
        for (const [name, css] of series) {
          const values = css === "lab-gate" ? step.gates[name] : step[name];
          values.forEach((v, j) => {
            show(outputs[name][t][j], v);
            if (css === "lab-gate") {
              const bar = outputs[name][t][j].nextElementSibling.firstElementChild;
              bar.style.width = `${Math.min(1, Math.abs(v)) * 100}%`;
              bar.classList.toggle("lab-negative", v < 0);
            }
          });
        }
      });
      if (data.kind !== "rnn") return;
      const step = steps[current - 1];
      for (const [key] of PIECES) step[key].forEach((v, j) => show(pieceOut[key][j], v));
      status.value = `t = ${current} de ${T}`;
      previous.disabled = current === 1;
      nextButton.disabled = current === T;
      for (const cell of table.querySelectorAll("[data-t]")) cell.classList.toggle("lab-current", Number(cell.dataset.t) === current);
    }

    form.addEventListener("input", update);
    form.append(bar, h0, ...extras, table);
    if (data.kind === "rnn") form.append(el("p", {class: "lab-caption"}, "Paso a paso: cada pieza de hₜ en el paso elegido."), stepper);
    return {form: form, update: update};
  }

  const BUILDERS = {rnn: buildLab, lstm: buildLab, gru: buildLab};

  function start() {
    for (const root of document.querySelectorAll("div.lab[data-lab]")) {
      const build = BUILDERS[root.dataset.lab], source = root.querySelector("script.lab-data");
      if (!build || !source || root.dataset.ready) continue;
      const lab = build(root, JSON.parse(source.textContent));
      for (const old of root.querySelectorAll(".lab-static, .lab-note")) old.hidden = true;
      root.append(lab.form);
      lab.update();
      root.dataset.ready = "true";
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
