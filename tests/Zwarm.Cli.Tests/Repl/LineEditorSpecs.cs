using AwesomeAssertions;
using Zwarm.Cli.Repl;

namespace Zwarm.Cli.Tests.Repl;

/// <summary>The line editor driven by scripted keys: editing, history, completion, Ctrl+C and Ctrl+D.</summary>
[Collection(ReplSpecs.Name)]
public sealed class LineEditorSpecs
{
    private readonly ScriptedKeys _keys = new();
    private readonly StringWriter _screen = new();

    private LineEditor Editor(int width = 80) => new(_keys, _screen, () => width);

    private LineResult Read(LineEditor? editor = null)
    {
        var result = (editor ?? Editor()).ReadLine("zwarm> ");
        _keys.Left.Should().Be(0, "every scripted key should have been used");
        return result;
    }

    [Fact]
    public void Typed_text_is_returned_on_Enter_after_the_prompt()
    {
        _keys.Type("ls --all").Press(ConsoleKey.Enter);

        Read().Should().Be(new LineResult(LineStatus.Accepted, "ls --all"));
        _screen.ToString().Should().StartWith("\rzwarm> ").And.EndWith("\r\n");
    }

    [Fact]
    public void Arrows_Home_and_End_move_where_the_next_character_goes()
    {
        _keys.Type("world").Press(ConsoleKey.Home).Type("hello ").Press(ConsoleKey.End).Type("!")
            .Press(ConsoleKey.LeftArrow, times: 2).Type("s").Press(ConsoleKey.RightArrow).Press(ConsoleKey.RightArrow).Type("?")
            .Press(ConsoleKey.Enter);

        Read().Text.Should().Be("hello worlsd!?");
    }

    [Fact]
    public void Backspace_and_Delete_remove_before_and_under_the_cursor()
    {
        _keys.Type("abcdef").Press(ConsoleKey.LeftArrow, times: 2).Press(ConsoleKey.Backspace).Press(ConsoleKey.Delete)
            .Press(ConsoleKey.Home).Press(ConsoleKey.Backspace).Press(ConsoleKey.End).Press(ConsoleKey.Delete).Press(ConsoleKey.Enter);

        Read().Text.Should().Be("abcf");
    }

    [Fact]
    public void Emacs_keys_move_and_kill()
    {
        _keys.Type("kill abc").Ctrl('a').Type("x").Ctrl('e').Type("y").Ctrl('b').Ctrl('b').Ctrl('k').Ctrl('f').Ctrl('f')
            .Press(ConsoleKey.Enter);
        Read().Text.Should().Be("xkill ab");

        _keys.Type("spawn fix the bug").Ctrl('w').Ctrl('w').Type("it").Press(ConsoleKey.Enter);
        Read().Text.Should().Be("spawn fix it");

        _keys.Type("rm 3f2b").Press(ConsoleKey.LeftArrow, times: 4).Ctrl('u').Type("kill ").Press(ConsoleKey.Enter);
        Read().Text.Should().Be("kill 3f2b");
    }

    [Fact]
    public void Control_characters_without_key_information_work_too()
    {
        _keys.Type("bc").Raw('\x01').Type("a").Raw('\x05').Type("d").Raw('\x15').Type("e").Press(ConsoleKey.Enter);

        Read().Text.Should().Be("e");
    }

    [Fact]
    public void Word_moves_jump_over_words()
    {
        _keys.Type("c 3f2b more")
            .Press(ConsoleKey.LeftArrow, ConsoleModifiers.Control).Press(ConsoleKey.LeftArrow, ConsoleModifiers.Control)
            .Type("X").Press(ConsoleKey.B, ConsoleModifiers.Alt).Press(ConsoleKey.F, ConsoleModifiers.Alt).Type("Y")
            .Press(ConsoleKey.Enter);

        Read().Text.Should().Be("c X3f2bY more");
    }

    [Fact]
    public void Up_and_Down_walk_the_history_and_come_back_to_the_draft()
    {
        var editor = Editor();
        editor.History = ["ls", "? 3f2b", "kill all"];
        _keys.Type("dra").Press(ConsoleKey.UpArrow).Press(ConsoleKey.UpArrow).Press(ConsoleKey.DownArrow).Press(ConsoleKey.DownArrow)
            .Type("ft").Press(ConsoleKey.Enter);
        Read(editor).Text.Should().Be("draft");

        _keys.Press(ConsoleKey.UpArrow, times: 5).Press(ConsoleKey.Enter);
        Read(editor).Text.Should().Be("ls", "Up stops at the oldest line");

        _keys.Ctrl('p').Ctrl('p').Type("x").Press(ConsoleKey.Enter);
        Read(editor).Text.Should().Be("? 3f2bx", "Ctrl+P is Up, and a recalled line can be edited");
    }

    [Fact]
    public void Ctrl_C_cancels_the_line_and_shows_it_was_cancelled()
    {
        _keys.Type("rm all").Press(ConsoleKey.Home).Ctrl('c');

        var result = Read();

        result.Should().Be(new LineResult(LineStatus.Cancelled, "rm all"));
        _screen.ToString().Should().EndWith("^C\r\n");
    }

    [Fact]
    public void Ctrl_D_ends_input_on_an_empty_line_and_deletes_otherwise()
    {
        _keys.Ctrl('d');
        Read().Status.Should().Be(LineStatus.EndOfInput);

        _keys.Type("lsx").Press(ConsoleKey.LeftArrow).Ctrl('d').Press(ConsoleKey.Enter);
        Read().Should().Be(new LineResult(LineStatus.Accepted, "ls"));
    }

    [Fact]
    public void Tab_with_one_candidate_completes_the_word_and_adds_a_space()
    {
        var editor = Editor();
        editor.Completer = new FixedCompleter("spawn", "show");
        _keys.Type("sp").Press(ConsoleKey.Tab).Type("x").Press(ConsoleKey.Enter);

        Read(editor).Text.Should().Be("spawn x");
    }

    [Fact]
    public void Tab_with_several_candidates_completes_their_common_prefix_then_lists_them()
    {
        var editor = Editor();
        editor.Completer = new FixedCompleter("3f2b0a11", "3f2b9c22", "ab000000");
        _keys.Type("? 3").Press(ConsoleKey.Tab);
        _keys.Press(ConsoleKey.Tab).Press(ConsoleKey.Enter);

        Read(editor).Text.Should().Be("? 3f2b", "the common prefix is filled in, the second Tab only lists");
        var screen = _screen.ToString();
        screen.Should().Contain("\r\n  3f2b0a11  3f2b9c22\r\n").And.NotContain("ab000000");
        screen.LastIndexOf("zwarm> ? 3f2b", StringComparison.Ordinal).Should()
            .BeGreaterThan(screen.IndexOf("3f2b9c22", StringComparison.Ordinal), "the prompt is drawn again under the list");
    }

    [Fact]
    public void Candidates_with_hints_are_listed_one_per_line()
    {
        var editor = Editor();
        editor.Completer = new FixedCompleter(
            new CompletionItem("3f2b0a11", "completed  fix it"), new CompletionItem("3f2b9c22", "running    add tests"));
        _keys.Type("? 3f2b").Press(ConsoleKey.Tab).Press(ConsoleKey.Enter);

        Read(editor);

        _screen.ToString().Should().Contain("  3f2b0a11  completed  fix it\r\n  3f2b9c22  running    add tests\r\n");
    }

    [Fact]
    public void Tab_without_candidates_rings_the_bell_and_changes_nothing()
    {
        var editor = Editor();
        editor.Completer = new FixedCompleter("spawn");
        _keys.Type("xy").Press(ConsoleKey.Tab).Press(ConsoleKey.Enter);

        Read(editor).Text.Should().Be("xy");
        _screen.ToString().Should().Contain("\a");
    }

    [Fact]
    public void Completion_in_the_middle_of_a_line_replaces_only_the_word_before_the_cursor()
    {
        var editor = Editor();
        editor.Completer = new FixedCompleter("peek");
        _keys.Type("pe 3f2b").Press(ConsoleKey.LeftArrow, times: 5).Press(ConsoleKey.Tab).Press(ConsoleKey.Enter);

        Read(editor).Text.Should().Be("peek 3f2b", "no second space before an existing one");
    }

    [Fact]
    public void A_line_longer_than_the_terminal_wraps_and_the_editor_moves_up_to_redraw_it()
    {
        var editor = Editor(width: 20);
        _keys.Type(new string('a', 40)).Press(ConsoleKey.Home).Type("b").Press(ConsoleKey.Enter);

        Read(editor).Text.Should().Be("b" + new string('a', 40));
        // 7 prompt + 40 characters = 47 cells: the cursor sat on the third row, so Home goes up two rows.
        _screen.ToString().Should().Contain("\x1b[2A\rzwarm> ");
    }

    [Fact]
    public void Other_keys_are_ignored()
    {
        _keys.Type("ls").Press(ConsoleKey.Escape).Press(ConsoleKey.F5).Press(ConsoleKey.X, ConsoleModifiers.Alt).Press(ConsoleKey.Enter);

        Read().Text.Should().Be("ls");
    }

    private sealed class FixedCompleter(params CompletionItem[] items) : ICompleter
    {
        public FixedCompleter(params string[] texts) : this(texts.Select(t => new CompletionItem(t)).ToArray()) { }

        public Completions Complete(string line, int cursor)
        {
            var start = line.LastIndexOf(' ', Math.Max(0, cursor - 1)) + 1;
            if (start > cursor) start = cursor;
            var word = line[start..cursor];
            return new(start, items.Where(i => i.Text.StartsWith(word, StringComparison.Ordinal)).ToList());
        }
    }
}
