"""A small base for the live-notebook apps (``app()`` in each topic module).

An app is a column of ipywidgets controls above the result they drive, kept on
``app.result`` (alias ``app.figure``) so tests and students can inspect it. The
result is shown by setting the ``Output`` widget's ``outputs`` (one update, no
echo), not by capturing ``display()`` inside ``with output:``: a headless runner
such as nbclient can stall on the echo of captured output (jupyter/nbclient#312).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as w
import traitlets

EDUCATION_NOTE = (
    "<p><strong>For learning only.</strong> This tool explores published numbers; "
    "it does not diagnose or recommend treatment.</p>"
)


class LiveApp(w.VBox):
    """Controls plus an output area; ``render`` turns control values into a result."""

    def __init__(
        self, controls: Mapping[str, w.ValueWidget], render: Callable[..., Any], title: str
    ) -> None:
        self.controls = dict(controls)
        self._render = render
        self.output = w.Output()
        self.result: Any = None
        header = w.HTML(f"<h4>{title}</h4>{EDUCATION_NOTE}")
        super().__init__([header, *self.controls.values(), self.output])
        for control in self.controls.values():
            control.observe(self._refresh, names="value")
        self._refresh()

    @property
    def figure(self) -> Any:
        """The most recent result (a figure for most apps)."""
        return self.result

    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _refresh(self, change: Any = None) -> None:
        """Recompute the result from the controls and show it (no output capture)."""
        self.result = self._render(**self.values())
        self.output.outputs = display_outputs(self.result)


def display_outputs(result: Any) -> tuple[dict[str, Any], ...]:
    """Every display ``display(result)`` would publish, as nbformat outputs; nothing is sent."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import display
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()  # the kernel's shell; outside a kernel, a quiet one
    with capture_output(stdout=True, stderr=True, display=True) as captured:
        display(result)
    streams = (("stdout", captured.stdout), ("stderr", captured.stderr))
    return (
        *({"output_type": "stream", "name": name, "text": text} for name, text in streams if text),
        *(
            {
                "output_type": "display_data",
                "data": dict(s.data),
                "metadata": dict(s.metadata or {}),
            }
            for s in captured.outputs
        ),
    )


class CheckboxGroup(w.VBox):
    """One checkbox per value; ``value`` is the tuple of ticked values, in order."""

    value = traitlets.Tuple()

    def __init__(self, values: Sequence[Any], labels: Sequence[str], ticked: Sequence[Any]) -> None:
        self._boxes = {
            item: w.Checkbox(value=item in ticked, description=label, indent=False, layout=_WIDE)
            for item, label in zip(values, labels, strict=True)
        }
        self._syncing = False
        super().__init__(list(self._boxes.values()))
        self.value = tuple(item for item in values if item in ticked)
        for box in self._boxes.values():
            box.observe(self._from_boxes, names="value")
        self.observe(self._to_boxes, names="value")

    def _from_boxes(self, change: Any = None) -> None:
        """A box was clicked: ``value`` becomes the ticked boxes."""
        if not self._syncing:
            self.value = tuple(item for item, box in self._boxes.items() if box.value)

    def _to_boxes(self, change: Any = None) -> None:
        """``value`` was set: tick exactly its boxes (without echoing back box by box)."""
        self._syncing = True
        try:
            for item, box in self._boxes.items():
                box.value = item in self.value
        finally:
            self._syncing = False


_WIDE = w.Layout(width="auto")
_LABEL = {"description_width": "initial"}


def control_for(option: Any, value: Any) -> Any:
    """The ipywidgets control for one :class:`widgets.options.Option`, set to ``value``."""
    pairs = [(option.label(item), item) for item in option.values]
    if option.control == "toggle":
        return w.Checkbox(value=value, description=option.title, indent=False, layout=_WIDE)
    if option.control == "checkboxes":
        return CheckboxGroup(option.values, [label for label, _ in pairs], value)
    if option.control == "number":
        low, high = option.values
        return w.IntSlider(value=value, min=low, max=high, description=option.title, style=_LABEL)
    if option.control == "slider":
        return w.SelectionSlider(
            options=pairs, value=value, description=option.title, style=_LABEL, layout=_WIDE
        )
    return w.Dropdown(options=pairs, value=value, description=option.title, style=_LABEL)


# ------------------------------------------------------------------ practice questions


def grade(question: Any, response: Any) -> tuple[bool, list[str]]:
    """Whether ``response`` answers ``question`` (a bank question), and its feedback.

    ``response``: a choice index (single), a collection of indices (multiple) or a
    number (numeric). The feedback is that of each choice made.
    """
    if question.type == "numeric":
        if isinstance(response, bool) or not isinstance(response, int | float):
            raise ValueError(f"argument 'response' must be a number, got {response!r}")
        return abs(response - question.answer) <= question.tolerance, []
    chosen = {response} if question.type == "single" else set(response)
    if not chosen or not chosen <= set(range(len(question.choices))):
        raise ValueError(f"argument 'response' must pick choices 0-{len(question.choices) - 1}")
    right = {i for i, choice in enumerate(question.choices) if choice.correct}
    return chosen == right, [question.choices[i].feedback for i in sorted(chosen)]


class QuestionCard(w.VBox):
    """One bank question in a notebook: its choices (or a number box), Check, feedback."""

    def __init__(self, question: Any) -> None:
        self.question = question
        self.verdict: bool | None = None
        if question.type == "single":
            options = [(choice.text, i) for i, choice in enumerate(question.choices)]
            self.answer: Any = w.RadioButtons(options=options, value=None, layout=_WIDE)
        elif question.type == "multiple":
            self.answer = CheckboxGroup(range(len(question.choices)), _texts(question), ())
        else:
            self.answer = w.Text(description=f"Answer ({question.unit})", style=_LABEL)
        self.button = w.Button(description="Check")
        self.button.on_click(self.check)
        self.result = w.HTML()
        stem = w.HTML(f"<p><strong>{html.escape(question.stem)}</strong></p>")
        super().__init__([stem, self.answer, self.button, self.result])

    def response(self) -> Any:
        """What the reader gave: a choice index, indices, a number, or None."""
        if self.question.type == "numeric":
            try:
                return float(self.answer.value.replace(",", ".").strip())
            except ValueError:
                return None
        value = self.answer.value
        return value if value not in (None, ()) else None

    def check(self, _button: Any = None) -> None:
        """Grade the response and show the verdict, feedback, explanation and sources."""
        response = self.response()
        if response is None:
            self.result.value = "<p>Choose an answer first (a number for this one).</p>"
            return
        self.verdict, feedback = grade(self.question, response)
        self.result.value = "".join(
            [
                f"<p><strong>{'Right.' if self.verdict else 'Not quite.'}</strong></p>",
                *(f"<p>{html.escape(text)}</p>" for text in feedback),
                f"<p>{html.escape(self.question.explanation)}</p>",
                f"<p>{html.escape(self.question.source.sources())}</p>",
            ]
        )


def _texts(question: Any) -> list[str]:
    """The text of each choice of ``question``."""
    return [choice.text for choice in question.choices]


def quiz_app(questions: Sequence[Any]) -> w.VBox:
    """The notebook quiz: a card per question (each graded when its Check is pressed)."""
    cards = [QuestionCard(question) for question in questions]
    note = w.HTML("<p><strong>For learning only.</strong> Answers stay in this notebook.</p>")
    box = w.VBox([note, *cards])
    box.cards = cards  # type: ignore[attr-defined]
    return box
