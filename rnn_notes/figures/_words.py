"""The Spanish the figures show, in one table, and the helpers that write numbers, shapes and plurals.

Keys are English. A value is a ``str.format`` template, or a pair ``(one, many)`` for a text that
depends on a count: :func:`plural` picks the form where the number is written ("1 paso", "3 pasos").
"""

from __future__ import annotations

TEXT: dict[str, str | tuple[str, str]] = {
    # -- shared
    "steps": ("{n} paso", "{n} pasos"),
    "numbers": ("{n} número", "{n} números"),
    "rows": ("{n} fila", "{n} filas"),
    "columns": ("{n} columna", "{n} columnas"),
    "components": ("{n} componente", "{n} componentes"),
    "times": ("t = 1", "t = 1…{n}"),  # the steps of a sequence, t = 1…T
    "step": "paso {t}",
    "step_axis": "paso $t$",
    "component": "componente {j}",
    # -- unrolled_network
    "unrolled_alt": (
        "Red desplegada en {steps}: el estado inicial h₀ {h0} entra en el paso 1; en cada "
        "paso {times} entra xₜ {x_step} y sale hₜ {h_step}, que pasa al paso siguiente por "
        "la misma Wₕₕ {w_hh}; todas las entradas usan la misma Wᵢₕ {w_ih}. "
        "Entrada x {x_shape}, output {out_shape}, hₙ {hn_shape}.{values}"
    ),
    "unrolled_values": " Valores: {values}.",
    "unrolled_caption": (
        "La capa desplegada en el tiempo: el paso t = 1 usa Wᵢₕ y Wₕₕ; "
        "h₀ es el estado inicial y hₙ = h{T_sub}.",
        "La capa desplegada en el tiempo: los pasos t = 1…{n} comparten Wᵢₕ y Wₕₕ; "
        "h₀ es el estado inicial y hₙ = h{T_sub}.",
    ),
    # -- stacked_network
    "layer": "capa {k}",
    "stacked_alt": (
        "Red de {layers} y {directions}, desplegada en {steps}. Cada capa es una fila "
        "de cajas, una por paso {times}; {cells}. La capa 0 lee xₜ {x_step} con weight_ih_l0 "
        "{w_ih0}{upper}. Las celdas coloreadas son los estados finales, numerados por su fila en "
        "hₙ {hn_shape}: {finals}. Entrada x {x_shape}, output {out_shape}."
    ),
    "layers": ("una capa", "{n} capas"),
    "directions": ("una dirección", "dos direcciones"),
    "stacked_cells": (
        "la dirección directa va de izquierda a derecha",
        "en cada caja, la celda de arriba es la dirección directa (de izquierda a derecha) y la de "
        "abajo la inversa (de derecha a izquierda), y la caja entera, las dos concatenadas, es lo "
        "que sube a la capa siguiente",
    ),
    "stacked_upper": "; cada capa siguiente lee la salida de la anterior, de {size} por paso, con weight_ih_l1 {w_ih1}",
    "stacked_final": "fila {row}: capa {k}, {direction}, paso {t}",
    "forward": "directa",
    "reverse": "inversa",
    "stacked_caption": (
        "La red desplegada en {steps}, con {layers}{bi}: cada capa lee los estados de la "
        "de abajo; los números de las celdas coloreadas son sus filas en hₙ."
    ),
    "stacked_layers": ("una capa", "{n} capas apiladas"),
    "bidirectional": (" bidireccional", " bidireccionales"),
    # -- prediction_heads
    "many_to_one": "muchos a uno",
    "many_to_many": "muchos a muchos",
    "heads_alt": (
        "Dos esquemas de {steps}. Abajo, las entradas xₜ {x_step}; en medio, la capa, que "
        "pasa hₜ {h_step} de un paso al siguiente; arriba, la cabeza Linear({H_out}, {C}). "
        "Muchos a uno: solo el último estado, hₙ[-1] {h_step}, pasa por la cabeza, y sale una "
        "predicción ŷ {y_one} por secuencia. Muchos a muchos: cada paso de output {out_shape} "
        "pasa por la misma cabeza, y sale una predicción por paso, ŷ {y_many}."
    ),
    "heads_caption": (
        "La misma capa con una cabeza Linear({H_out}, {C}) encima: muchos a uno (una predicción "
        "por secuencia, desde hₙ) y muchos a muchos (una por paso, desde output)."
    ),
    # -- step_shapes and parameter_shapes
    "shapes_alt": (
        "Formas de un paso como bloques de celdas, un cuadrado por número: {products}."
    ),
    "shapes_caption_column": (
        "Matriz por columna: cada producto da una columna de Hₒᵤₜ = {rows}, "
        "una por neurona oculta."
    ),
    "shapes_caption_row": (
        "Fila por matriz traspuesta: cada producto da una fila de Hₒᵤₜ = {columns}, "
        "la forma de un paso de output."
    ),
    "params_alt": "Los {n} parámetros de la capa como bloques de celdas, un cuadrado por número: {items}.",
    "params_caption": (
        "Los parámetros de la capa: todos tienen Hₒᵤₜ = {rows}; weight_ih_l0 tiene "
        "Hᵢₙ = {columns} y weight_hh_l0, Hₒᵤₜ = {H_out}."
    ),
    # -- packed_batch
    "sequence": "secuencia",
    "row": "fila",
    "packed_alt": (
        "Arriba, un lote de {sequences} rellenado hasta {steps}: "
        "{real} y {pad} de relleno. Abajo, data con {rows}, paso a paso "
        "(batch_sizes = {sizes}): {groups}."
    ),
    "packed_sequences": ("{n} secuencia de longitud {lengths}", "{n} secuencias de longitudes {lengths}"),
    "packed_real": ("{n} celda real", "{n} celdas reales"),
    "packed_rows": ("su única fila", "sus {n} filas"),
    "packed_group": (
        "paso {t}, secuencia {seqs} en la fila {first}",
        "paso {t}, secuencias {seqs} en las filas {first}–{last}",
    ),
    "packed_caption": (
        "Arriba, el lote con relleno: una fila por secuencia, una columna por paso; cada paso "
        "real lleva el número de la fila de data que lo guarda, y el relleno queda en gris. "
        "Abajo, data: el paso t ocupa batch_sizes[t − 1] filas seguidas, de la secuencia más "
        "larga a la más corta, y el relleno no se guarda."
    ),
    # -- lstm_cell
    "lstm_alt": (
        "Celda LSTM de un paso. Arriba, el estado de celda cₜ₋₁ {c_shape} cruza la celda de izquierda "
        "a derecha: se multiplica por la puerta de olvido fₜ y se le suma iₜ ⊙ gₜ, y sale como cₜ. "
        "Abajo, hₜ₋₁ {h_shape} y xₜ {x_shape} alimentan los cuatro bloques, en el orden de PyTorch: "
        "las puertas iₜ (σ) y fₜ (σ), el candidato gₜ (tanh) y la puerta oₜ (σ), cada uno con "
        "{components}. A la derecha, tanh(cₜ) se multiplica por oₜ{proj} y da hₜ {h_shape}."
    ),
    "lstm_alt_proj": ", se proyecta con W_hr {w_hr}",
    "lstm_caption": (
        "La celda de nn.LSTM en el paso t: el estado de celda cₜ (arriba) solo se multiplica por fₜ "
        "y se le suma iₜ ⊙ gₜ; las puertas y el candidato gₜ leen hₜ₋₁ y xₜ (abajo)."
    ),
    # -- gru_cell
    "gru_alt": (
        "Celda GRU de un paso: el estado anterior hₜ₋₁ {h} y la entrada xₜ {x} entran en tres "
        "cajas, la puerta de reinicio r y la de actualización z (sigmoides) y el candidato n "
        "(tanh), cada una con su bloque de weight_ih_l0, {w_i}, y de weight_hh_l0, {w_h}; r "
        "multiplica, dentro de n, el término del estado hₜ₋₁ Wₕₙᵀ + bₕₙ; la salida es "
        "hₜ = (1 − z) ⊙ n + z ⊙ hₜ₋₁ {h}."
    ),
    "gru_caption": (
        "Un paso de nn.GRU: r y z salen de sigmoides, n de una tanh en la que r multiplica "
        "hₜ₋₁ Wₕₙᵀ + bₕₙ; z reparte hₜ entre n y hₜ₋₁. Todas las flechas llevan vectores de "
        "Hₒᵤₜ = {numbers}, salvo xₜ, que lleva Hᵢₙ = {H_in}."
    ),
    "gru_reset": "reinicio",
    "gru_update": "actualización",
    "gru_candidate": "candidato",
    # -- gate_blocks
    "blocks_alt": (
        "weight_ih_l0 de las tres capas con Hᵢₙ = {H_in} y Hₒᵤₜ = {H_out}, como bloques de "
        "celdas, un cuadrado por número y un color por bloque (puertas y candidato): {items}."
    ),
    "blocks_item": "{name} {shape}, {blocks}",
    "blocks_gated": "bloques {blocks} ({candidate}, el candidato)",
    "blocks_one": "un solo bloque",
    "blocks_caption": (
        "weight_ih_l0 de nn.RNN, nn.LSTM y nn.GRU con los mismos tamaños: cada bloque, una puerta "
        "o el candidato, tiene Hₒᵤₜ = {rows}."
    ),
    # -- tanh_saturation
    "saturation": "saturación",
    "tanh_alt": (
        "Curva de tanh entre {lo} y {hi}, con la única preactivación de la secuencia marcada sobre ella: {points}.",
        "Curva de tanh entre {lo} y {hi}, con las {n} preactivaciones zₜ de la secuencia "
        "marcadas sobre ella: {points}.",
    ),
    "tanh_caption": (
        "tanh(z) con las preactivaciones zₜ del paso t = 1: cuanto más lejos de 0 "
        "está zₜ, más cerca de −1 o de 1 queda hₜ.",
        "tanh(z) con las preactivaciones zₜ de los pasos t = 1…{n}: cuanto más lejos de 0 "
        "está zₜ, más cerca de −1 o de 1 queda hₜ.",
    ),
    # -- chunked_states
    "one_call": "una llamada",
    "chunked": "en trozos de {size}",
    "chunks_alt": (
        "La única componente de hₜ a lo largo de {steps}, calculada en una llamada "
        "(línea ancha) y en trozos de {size} (línea discontinua, cortes en gris): las "
        "curvas coinciden, con una diferencia máxima de {diff}.",
        "Las {n} componentes de hₜ a lo largo de {steps}, calculadas en una llamada "
        "(línea ancha) y en trozos de {size} (línea discontinua, cortes en gris): las "
        "curvas coinciden, con una diferencia máxima de {diff}.",
    ),
    "chunks_caption": (
        "hₜ para {times}, en una llamada y en trozos de {size}: cada trozo empieza "
        "con el último estado del anterior, y las curvas se superponen."
    ),
    # -- jacobian_decay
    "decay_axis": "$T - t$",
    "decay_norm": "$\\Vert \\partial h_T / \\partial h_t \\Vert$",
    "decay_sigma": "$\\sigma = {sigma}$",
    "decay_alt": (
        "Norma de ∂h_T/∂h_t frente a T − t = 0…{T}, en escala logarítmica, para una capa de "
        "Hₒᵤₜ = {H} con Wₕₕ = σ·Q (Q ortogonal) y σ = {sigmas}: {curves}."
    ),
    "decay_curve": "con {act} y σ = {sigma}, va de 1 a {last} en T − t = {T} (máximo {peak})",
    "decay_caption": (
        "‖∂h_T/∂h_t‖ según la distancia T − t, con tanh (arriba) y relu (abajo), para tres "
        "escalas de Wₕₕ: todos sus valores singulares valen σ."
    ),
    # -- cell_state_gradients
    "paths_rnn": "RNN: $\\|\\partial h_T / \\partial h_t\\|$",
    "paths_lstm": "LSTM: $\\|\\partial c_T / \\partial c_t\\|$",
    "paths_open": "LSTM, $b_{{hf}} + {bias}$",
    "paths_direct": "solo $\\prod f$",
    "paths_axis": "$T - t$",
    "paths_norm": "norma",
    "paths_alt": (
        "Norma de la jacobiana frente a T − t, de 0 a {T}, en escala logarítmica: la de la RNN, "
        "∂h_T/∂h_t, cae hasta {rnn}; la del estado de celda de la LSTM, ∂c_T/∂c_t, hasta "
        "{lstm}; y la de la misma LSTM con {bias} más en el sesgo de la puerta de olvido, "
        "hasta {open}. En discontinua, para las dos LSTM, el mayor producto de sus "
        "puertas de olvido."
    ),
    "paths_caption": (
        "Cuánto llega de cada estado al último, a lo largo de {steps}: la norma espectral de "
        "∂h_T/∂h_t en la RNN y de ∂c_T/∂c_t (completa) en la LSTM; en discontinua, el camino "
        "directo, el producto de las puertas de olvido."
    ),
    # -- loss_curve
    "training_step": "paso de entrenamiento",
    "loss": "pérdida",
    "threshold": "umbral {value}",
    "loss_alt": (
        "Curva de la pérdida en {steps} de entrenamiento, escala logarítmica: empieza en {first} "
        "y termina en {last}, por debajo del umbral {threshold} (línea de puntos) desde el paso {below}."
    ),
    "loss_alt_above": (
        "Curva de la pérdida en {steps} de entrenamiento, escala logarítmica: empieza en {first} "
        "y termina en {last}, sin bajar del umbral {threshold} (línea de puntos)."
    ),
    "loss_caption": "La pérdida de cada paso de entrenamiento, calculada antes de actualizar los pesos.",
}


def words(key: str, **fields: object) -> str:
    """``TEXT[key]`` with its fields filled in."""
    text = TEXT[key]
    if not isinstance(text, str):
        raise TypeError(f"TEXT[{key!r}] depends on a count: use plural({key!r}, n)")
    return text.format(**fields)


def plural(key: str, n: int, **fields: object) -> str:
    """The form of ``TEXT[key]`` for ``n`` (singular for 1), with ``n`` filled in: ``plural("steps", 1)`` is ``1 paso``."""
    one, many = TEXT[key]
    return (one if n == 1 else many).format(n=n, **fields)


def decimal(value: float, math: bool = False) -> str:
    """A parameter as it was given, with a decimal comma: ``1,5`` (``1{,}5`` in mathtext, which spaces a bare comma).

    ``display.spanish_number`` writes measured numbers (``5,0·10⁻¹``); this writes the round
    values a page chooses (``0,5``), as short as ``:g`` prints them.
    """
    return f"{value:g}".replace(".", "{,}" if math else ",")


_SUBSCRIPTS = str.maketrans("0123456789+-aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")


def sub(text: object) -> str:
    """``text`` in Unicode subscripts, for plain text: ``sub("t-1")`` is ``ₜ₋₁``."""
    return str(text).translate(_SUBSCRIPTS)


def shape(size: tuple[int, ...]) -> str:
    """``(1, 3, 5)``, and ``(5,)`` for one dimension, as Python prints shapes."""
    return str(tuple(size))


def plain(name: str) -> str:
    """A mathtext name as plain text for the alternative text: ``W_{ih}^\\top`` to ``Wᵢₕᵀ``."""
    base, _, subscript = name.replace("^\\top", "").partition("_")
    return base + sub(subscript.strip("{}")) + ("ᵀ" if name.endswith("^\\top") else "")
