"""Help as a new user meets it (issue 16: "no --help has an example; cv --rule, report
--out/--title, convert --from/--to have no descriptions; demo is described as 'run the main
job'"): every command's help ends with Examples that parse with today's options, and every
option says what it does."""

import argparse
import shlex

import pytest

from shrinkage.cli.main import EXAMPLES, _build_parser, main

COMMANDS = ["demo", "fit", "predict", "path", "cv", "bias-variance", "report", "convert"]


def _subparsers(parser):
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


def _example_lines(command):
    """Each example's arguments, without the comment, the redirect and ``shrinkage``."""
    lines = []
    for line in EXAMPLES[command].splitlines()[1:]:
        text = line.split("#")[0].split(">")[0].strip()
        if text and "COMMAND" not in text:
            argv = shlex.split(text)
            assert argv[0] == "shrinkage", line
            lines.append(argv[1:])
    return lines


@pytest.mark.parametrize("command", [None] + COMMANDS)
def test_every_help_ends_with_examples_of_its_own_command(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main(([command] if command else []) + ["--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert "\nExamples:\n" in text
    examples = text.split("\nExamples:\n", 1)[1]
    own = [ln for ln in examples.splitlines() if ln.strip().startswith(
        f"shrinkage {command}" if command else "shrinkage ")]
    assert len(own) >= 2, examples
    assert set(COMMANDS) == set(_subparsers(_build_parser()))      # no command forgotten here


@pytest.mark.parametrize("command", [None] + COMMANDS)
def test_every_example_parses_with_the_current_options(command):
    parser = _build_parser()
    for argv in _example_lines(command):
        try:
            args = parser.parse_args(argv)
        except SystemExit:                   # pragma: no cover - the failure message
            pytest.fail(f"example does not parse: shrinkage {shlex.join(argv)}")
        assert args.command == argv[0]


def test_the_convert_examples_run(capsys):
    for argv in _example_lines("convert"):
        assert main(argv) == 0, capsys.readouterr().err


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_a_description(command):
    sub = _subparsers(_build_parser())[command]
    for action in sub._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = "/".join(action.option_strings) or action.dest
        assert action.help and action.help != argparse.SUPPRESS and len(action.help) > 10, name


def test_demo_says_what_it_does(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "main job" not in text and "scikit-learn's bundled data" in text
