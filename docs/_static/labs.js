/* The site's labs (rnn_notes.labs writes their data into the page): change the input, watch every number change.
   Plain JavaScript, nothing fetched; the numbers come from labs-compute.js (float64), the gradient lab from
   labs-gradient.js. Each <div class="lab" data-lab="..."> holds a static
   table (what a reader without JavaScript sees) and its data as JSON; this file replaces the table by the lab.
   Testing contract: inputs <input type="number" name="x[t][i]"> (t, i from 1) and "h0[j]"; outputs
   <output name="h[t][j]">, gates "gate[t][name][j]"; every output follows the "input" event. */
(function () {
  "use strict";

  const {fixed, mulberry32, rnnSteps, lstmSteps, gruSteps, builders} = window.RnnLabs;  // labs-compute.js

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

  const SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attributes, ...children) {  // as el(), in SVG's namespace
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  }

  function contentWidth(element) {  // the width inside the padding, in CSS px
    const style = getComputedStyle(element);
    return element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  }

  // -- The unrolled network (the loop lab): one box per step, the chosen step highlighted ---------

  const FIGURE_DECIMALS = 3;  // short enough for a phone's column, enough to see a change of 0.001; the tables keep every lab's 4
  const LINE = 14;  // px between the figure's lines of 12 px text
  const SUBSCRIPT = "₀₁₂₃₄₅₆₇₈₉";
  const named = (base, t) => base + [...String(t)].map(d => SUBSCRIPT[d]).join("");  // h, 2 -> h₂
  const vector = values => `(${values.map(v => fixed(v, FIGURE_DECIMALS)).join(", ")})`;

  function arrow(x1, y1, x2, y2) {  // a line ending in a head at (x2, y2)
    const angle = Math.atan2(y2 - y1, x2 - x1), back = a => [x2 - 7 * Math.cos(a), y2 - 7 * Math.sin(a)];
    return svg("g", {class: "lab-arrow"}, svg("line", {x1: x1, y1: y1, x2: back(angle)[0], y2: back(angle)[1]}),
               svg("polygon", {points: [[x2, y2], back(angle + 0.45), back(angle - 0.45)].map(p => p.join(",")).join(" ")}));
  }

  function column(x, top, name, t, values) {  // a state's name over its components, one a line, centred on x
    return [svg("text", {x: x, y: top, "text-anchor": "middle", class: "lab-name"}, named(name, t)),
            ...values.map((v, j) => svg("text", {x: x, y: top + LINE * (j + 1), "text-anchor": "middle", class: "lab-value",
                                                 "data-t": t, "data-j": j + 1}, fixed(v, FIGURE_DECIMALS)))];
  }

  function drawUnrolled(figure, steps, current, available) {
    // Top to bottom: h_t and its values, an arrow up from the box, the box of step t, an arrow up from x_t.
    // As wide as the column (text at its size on a phone), but no step wider than 170 px on a screen.
    const T = steps.length, H = steps[0].h.length, left = 46, width = Math.min(available, left + 170 * T);
    const boxTop = LINE * (H + 1) + 26, boxHeight = 34, middle = boxTop + boxHeight / 2, height = boxTop + boxHeight + 44;
    const step = (width - left) / T, box = Math.min(90, step - 34);
    figure.replaceChildren();
    for (const [name, value] of [["viewBox", `0 0 ${width} ${height}`], ["width", width], ["height", height]]) figure.setAttribute(name, value);
    figure.append(...column(left / 2 - 4, middle - (LINE * (H + 1)) / 2 + 10, "h", 0, steps[0].hPrev));
    steps.forEach((s, k) => {
      const t = k + 1, centre = left + step * (t - 0.5), from = t === 1 ? left - 4 : centre - step + box / 2;
      figure.append(svg("g", {class: t === current ? "lab-step lab-current" : "lab-step", "data-t": t},
        arrow(from, middle, centre - box / 2, middle),  // h_{t-1} into the box
        svg("rect", {x: centre - box / 2, y: boxTop, width: box, height: boxHeight, rx: 4, class: "lab-box", "data-t": t}),
        svg("text", {x: centre, y: middle + 4, "text-anchor": "middle"}, `t = ${t}`),
        arrow(centre, boxTop + boxHeight + 24, centre, boxTop + boxHeight),  // x_t up into the box
        svg("text", {x: centre, y: height - 6, "text-anchor": "middle", class: "lab-name"}, named("x", t)),
        arrow(centre, boxTop, centre, LINE * (H + 1) + 2),  // h_t out of the box
        ...column(centre, 12, "h", t, s.h)));
    });
    const chosen = steps[current - 1];
    figure.setAttribute("aria-label", `Red desenrollada de ${T} pasos, con el paso t = ${current} resaltado: ` +
      `entran ${named("x", current)} y ${named("h", current - 1)} = ${vector(chosen.hPrev)}; ` +
      `sale ${named("h", current)} = ${vector(chosen.h)}.`);
  }

  // -- The labs: the loop (data-lab="rnn"), the gates ("lstm", "gru") ------------------------

  const GATE_NAMES = {i: "Puerta de entrada i", f: "Puerta de olvido f", g: "Candidato g", o: "Puerta de salida o",
                      r: "Puerta de reinicio r", z: "Puerta de actualización z", n: "Candidato n"};

  const sup = text => el("sup", {}, text);
  const PIECES = [  // the step's terms, written as the page's equations write them
    ["xw", () => [...sub("x", "t"), " ", ...sub("W", "ih"), sup("⊤")], "término de entrada sin sesgo"],
    ["bih", () => sub("b", "ih"), "sesgo de la entrada"],
    ["hw", () => [...sub("h", "t−1"), " ", ...sub("W", "hh"), sup("⊤")], "término recurrente sin sesgo"],
    ["bhh", () => sub("b", "hh"), "sesgo recurrente"],
    ["z", () => sub("z", "t"), "preactivación"],
    ["h", () => [...sub("h", "t"), " = tanh ", ...sub("z", "t")], "estado"],
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

  function numberInput(name, value, label, attributes = {}) {  // attributes: min, max, step, class...
    return el("input", Object.assign({type: "number", name: name, value: String(value), step: "any", "aria-label": label,
                                      inputmode: "decimal"}, attributes));
  }

  function button(text, action) {
    const b = el("button", {type: "button"}, text);
    b.addEventListener("click", action);
    return b;
  }

  function buildLab(root, data) {
    const T = data.x.length, n = data.input_size, H = data.hidden_size;
    const form = el("form", {class: "lab-form", "aria-label": "Laboratorio: la capa en el navegador"});
    form.addEventListener("submit", event => event.preventDefault());

    // Presets.
    const make = presets(data);
    const seed = numberInput("seed", 1, "Semilla de la entrada al azar", {min: "0", step: "1", class: "lab-seed"});
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
      const bias = numberInput("forget_bias", 0, "Valor sumado al sesgo de la puerta de olvido", {class: "lab-seed"});
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
      const row = el("tr", {}, el("th", {scope: "row", title: description}, ...label()));
      pieceOut[key] = [];
      for (let j = 1; j <= H; j++) {
        const output = el("output", {name: `step[${key}][${j}]`, "aria-label": `${description}, componente ${j}`});
        pieceOut[key].push(output);
        row.append(el("td", {}, output));
      }
      pieceBody.append(row);
    }
    const figure = svg("svg", {class: "lab-unrolled", role: "img"});
    const stepper = el("div", {class: "lab-stepper"},
      el("p", {class: "lab-stepper-bar"}, previous, " ", status, " ", nextButton), figure,
      el("table", {class: "lab-table lab-pieces"}, el("thead", {}, pieceHead), pieceBody));

    let unreadable = 0;  // fields read as 0 in this update: the warning says so
    function read(name) {
      const field = form.elements[name], value = Number(field.value);
      const ok = field.value !== "" && Number.isFinite(value);  // an empty or half-typed field counts as 0
      mark(field, ok);
      unreadable += !ok;
      return ok ? value : 0;
    }

    function update() {
      unreadable = 0;
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
      drawUnrolled(figure, steps, current, Math.max(240, Math.floor(contentWidth(form))));
    }

    const warning = el("output", {name: "warning", class: "lab-warning", "aria-live": "polite", "aria-label": "Aviso"});
    const updateAll = () => {
      update();
      warning.value = unreadable ? "Un campo vacío o que no es un número (en rojo) cuenta como 0." : "";
    };
    form.addEventListener("input", updateAll);
    if (data.kind === "rnn") window.addEventListener("resize", updateAll);  // the figure takes the column's width
    form.append(bar, h0, ...extras, warning, table);
    if (data.gates) form.append(el("p", {class: "lab-caption"}, "Cada barra mide el valor de su puerta, de 0 a 1; la de un candidato, " +
                                    "que va de −1 a 1, mide su valor absoluto, en gris si es negativo."));
    if (data.kind === "rnn") form.append(el("p", {class: "lab-caption"}, "Paso a paso: la red desenrollada, con el paso elegido resaltado, y cada pieza de hₜ en ese paso."), stepper);
    return {form: form, update: updateAll};
  }

  Object.assign(builders, {rnn: buildLab, lstm: buildLab, gru: buildLab});

  function mark(field, ok) {  // a field the lab cannot read is outlined (labs.css) and says so to screen readers
    if (ok) field.removeAttribute("aria-invalid");
    else field.setAttribute("aria-invalid", "true");
  }

  function commaAsPoint(event) {  // a number field takes only a point; a Spanish keyboard's comma types one
    if (event.key === "," && event.target.matches('input[type="number"]')) {
      event.preventDefault();
      document.execCommand("insertText", false, ".");
    }
  }

  function start() {
    for (const root of document.querySelectorAll("div.lab[data-lab]")) {
      const build = builders[root.dataset.lab], source = root.querySelector("script.lab-data");
      if (!build || !source || root.dataset.ready) continue;
      const lab = build(root, JSON.parse(source.textContent));
      for (const old of root.querySelectorAll(".lab-static, .lab-note")) old.hidden = true;
      lab.form.prepend(el("p", {class: "lab-help"}, "Escribe los decimales con punto o con coma: 0.5 o 0,5."));
      root.addEventListener("keydown", commaAsPoint);
      root.append(lab.form);
      lab.update();
      root.dataset.ready = "true";
    }
  }

  Object.assign(window.RnnLabs, {el, sub, svg, contentWidth, mark, numberInput, button});  // for labs-gradient.js
  // Deferred scripts run before DOMContentLoaded: every lab's builder is registered by then.
  if (document.readyState === "complete") start();
  else document.addEventListener("DOMContentLoaded", start);
})();
