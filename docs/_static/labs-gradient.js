/* The gradient lab (data-lab="gradient", on gradientes): scale W_hh, choose the length T and the activation,
   and watch the norm of ∂h_T/∂h_t for t = T..0, as numbers and on a logarithmic plot. The numbers come from
   labs-compute.js (float64); rnn_notes.labs writes the page's layer into the page. Testing contract: inputs
   "scale", "steps" (number fields) and "nonlinearity" (a select); outputs <output name="norm[t]">, t = 0..T,
   and "summary"; each follows the "input" event. */
(function () {
  "use strict";

  const {spanish, jacobianNorms, builders, el, svg, contentWidth, mark, numberInput, button} = window.RnnLabs;  // labs-compute.js, labs.js
  const DIGITS = 3;  // 4 significant digits, as the page's static table

  const power = k => spanish(10 ** k, 0).replace(/^1·/, "");  // 10⁻³; 1 for k = 0
  const decimal = v => String(Math.round(v * 100) / 100).replace(".", ",");  // σ as a reader writes it: 0,5

  // The vertical axis is fixed, so two settings compare at a glance: from 10⁻¹² (smaller norms sit on the
  // bottom line, hollow) to 10⁸ (MAX_SCALE keeps every norm below it). Like the page's figure, the steps
  // run backwards from the left: t = T, where the norm is 1, then T - 1, ..., 0.
  const LOW = -12, HIGH = 8, EVERY = 4;

  function plot(figure, norms, width) {  // the norm against t, on a logarithmic axis
    const T = norms.length - 1, height = 210, left = 52, right = 14, top = 12, bottom = 40;
    const logs = norms.map(v => (v > 0 ? Math.log10(v) : -Infinity));
    const x = t => left + (T ? ((T - t) / T) * (width - left - right) : (width - left - right) / 2);
    const y = v => top + ((HIGH - Math.max(LOW, v)) / (HIGH - LOW)) * (height - top - bottom);
    figure.replaceChildren();
    figure.setAttribute("viewBox", `0 0 ${width} ${height}`);
    figure.setAttribute("width", width);
    figure.setAttribute("height", height);
    for (let k = HIGH; k >= LOW; k -= EVERY) {
      figure.append(svg("line", {x1: left, x2: width - right, y1: y(k), y2: y(k), class: k === 0 ? "lab-axis" : "lab-grid"}),
                    svg("text", {x: left - 6, y: y(k) + 4, "text-anchor": "end"}, power(k)));
    }
    // Labels at t = T and t = 0 always (the norm is 1 at T; the summary speaks of t = 0), and at multiples of
    // the stride between them, leaving out one too close to T.
    const stride = Math.max(1, Math.ceil(T / Math.max(1, Math.floor((width - left - right) / 32))));
    const ticks = [];
    for (let t = 0; t < T - stride / 2 || t === 0; t += stride) ticks.push(t);
    if (ticks[ticks.length - 1] !== T) ticks.push(T);
    for (const t of ticks) figure.append(svg("text", {x: x(t), y: height - bottom + 16, "text-anchor": "middle"}, String(t)));
    figure.append(svg("text", {x: (left + width - right) / 2, y: height - 6, "text-anchor": "middle"}, "paso t, hacia atrás desde t = T"),
                  svg("polyline", {points: logs.map((v, t) => `${x(t)},${y(v)}`).join(" "), class: "lab-line"}));
    logs.forEach((v, t) => figure.append(svg("circle", {cx: x(t), cy: y(v), r: 3, class: v < LOW ? "lab-zero" : "lab-dot"})));
  }

  function buildGradient(root, data) {
    const most = data.x.length;
    const form = el("form", {class: "lab-form", "aria-label": "Laboratorio: el gradiente a través de los pasos"});
    form.addEventListener("submit", event => event.preventDefault());
    const ranges = [];  // each number field's slider: the slider writes the field, update() writes the slider
    const slider = (field, label) => {
      const range = el("input", {type: "range", min: field.min, max: field.max, step: field.step, value: field.value,
                                 "aria-label": label});
      range.addEventListener("input", () => { field.value = range.value; });  // then the form's listener updates
      ranges.push([field, range]);
      return range;
    };
    const scale = numberInput("scale", data.scale, "Escala de W_hh: número que multiplica la matriz",
                              {min: "0", max: String(data.max_scale), step: "0.05", class: "lab-seed"});
    const steps = numberInput("steps", most, "Longitud de la secuencia, T", {min: "1", max: String(most), step: "1", class: "lab-seed"});
    const activation = el("select", {name: "nonlinearity", "aria-label": "Activación de la capa"},
      ...["tanh", "relu"].map(name => el("option", {value: name}, name)));
    activation.value = data.nonlinearity;
    const choose = (s, n, act) => () => {
      scale.value = String(s); steps.value = String(n); activation.value = act;
      scale.dispatchEvent(new Event("input", {bubbles: true}));
    };
    const controls = el("div", {class: "lab-controls"},
      el("label", {}, el("span", {}, "σ, escala de W", el("sub", {}, "hh"), `, de 0 a ${decimal(data.max_scale)}:`), scale,
         slider(scale, "Escala de W_hh (deslizador)")),
      el("label", {}, `T, pasos, de 1 a ${most}: `, steps, slider(steps, "Longitud de la secuencia, T (deslizador)")),
      el("label", {}, "activación: ", activation));
    const presets = el("div", {class: "lab-presets", role: "group", "aria-label": "Ajustes de ejemplo"},
      button("La de la página", choose(data.scale, most, data.nonlinearity)),
      button("σ = 0,5", choose(0.5, most, "tanh")),
      button("relu, σ = 1,5", choose(1.5, most, "relu")));
    const figure = svg("svg", {class: "lab-plot", role: "img"});
    const summary = el("output", {name: "summary", "aria-live": "polite", "aria-label": "Resumen del laboratorio"});
    const grid = el("div", {class: "lab-norms"});
    const outputs = [];
    for (let t = 0; t <= most; t++) {
      const output = el("output", {name: `norm[${t}]`, "aria-label": `Norma de la derivada de h_T respecto de h_${t}`});
      outputs.push(output);
      grid.append(el("span", {class: "lab-norm"}, el("span", {}, `t = ${t}: `), output));
    }

    function read(field, low, high, fallback) {  // an empty or half-typed field: the page's value; out of range: the nearest end
      const value = Number(field.value);
      const used = field.value === "" || !Number.isFinite(value) ? fallback : Math.min(high, Math.max(low, value));
      mark(field, used === value);
      return used;
    }

    function update() {
      const s = read(scale, 0, data.max_scale, data.scale), T = Math.round(read(steps, 1, most, most));
      const norms = jacobianNorms(data.weights, data.x.slice(0, T), activation.value, s).reverse();  // t = 0..T
      outputs.forEach((output, t) => {
        output.parentElement.hidden = t > T;
        output.value = t > T ? "" : spanish(norms[t], DIGITS);
        if (t <= T) output.dataset.value = String(norms[t]); else delete output.dataset.value;
      });
      for (const [field, range] of ranges) range.value = field.value;
      const first = spanish(norms[0], DIGITS);
      const fixedUp = [scale, steps].some(field => field.hasAttribute("aria-invalid"));
      summary.value = (fixedUp ? "Un campo en rojo cuenta con otro valor: vacío, el de la página; fuera de su intervalo, el extremo más cercano. " : "") +
        `Con σ = ${decimal(s)} (${activation.value}) y T = ${T}, la norma en t = 0 vale ${first}: ` +
        (norms[0] < 1e-2 ? "menos de una centésima, el gradiente se desvanece."
          : norms[0] > 1e2 ? "más de cien, el gradiente explota."
          : "entre una centésima y cien, ni se desvanece ni explota a esta distancia.");
      figure.setAttribute("aria-label", `Gráfica, en escala logarítmica, de la norma de ∂h_T/∂h_t frente al paso t, ` +
        `de t = 0 a t = ${T}: vale 1 en t = ${T} y ${first} en t = 0.`);
      plot(figure, norms, Math.max(200, Math.floor(contentWidth(form))));
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);  // a select reports "change" when chosen with the keyboard
    window.addEventListener("resize", update);
    form.append(controls, presets, el("p", {class: "lab-summary"}, summary),
                el("p", {class: "lab-caption"}, "La norma de ∂h", el("sub", {}, "T"), "/∂h", el("sub", {}, "t"),
                   " frente al paso t, en escala logarítmica (en el borde de abajo, hueco, lo que no llega a 10⁻¹²):"), figure,
                el("p", {class: "lab-caption"}, "La norma de ∂h", el("sub", {}, "T"), "/∂h", el("sub", {}, "t"), " en cada paso:"), grid);
    return {form: form, update: update};
  }

  builders.gradient = buildGradient;
})();
