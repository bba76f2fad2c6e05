using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Zwarm.Core.Agents.Codex;

/// <summary>The fields of a codex event and of its <c>item</c> that the parser reads.</summary>
internal enum CodexField
{
    // event
    Type, ThreadId, Usage, Error, Message, Item,
    // item
    ItemId, ItemType, Text, Command, AggregatedOutput, ExitCode, Status, Changes, Server, Tool, ItemError, Arguments, Result,
    Query, Items, ItemMessage,
    Count,
}

/// <summary>
/// One codex event line read in a single forward <see cref="Utf8JsonReader"/> pass: the wanted fields of the event and
/// of its <c>item</c> are located (the first of each name), every other value is skipped, and the pass checks the whole
/// line's syntax. A value is decoded only when the parser asks for it, from where the pass found it.
/// </summary>
internal ref struct CodexEvent
{
    private readonly ReadOnlySpan<byte> _line;
    private Slots _slots;

    [InlineArray((int)CodexField.Count)]
    private struct Slots
    {
        private JsonSlot _first;
    }

    private CodexEvent(ReadOnlySpan<byte> line)
    {
        _line = line;
        _slots = default;
    }

    /// <summary>The field's value; a default (absent, reads as null) span when the line has none.</summary>
    public readonly JsonSpan this[CodexField f] => _slots[(int)f].In(_line);

    /// <summary>Reads a line that starts with '{'; throws <see cref="JsonException"/> when it is not one JSON object.</summary>
    public static CodexEvent Read(ReadOnlySpan<byte> line)
    {
        var e = new CodexEvent(line);
        var reader = new JsonLineReader(line);
        Span<byte> name = stackalloc byte[256];
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var f = EventField(reader.PropertyName(name));
            reader.Read();
            if (f == CodexField.Item && e.Missing(f) && reader.TokenType == JsonTokenType.StartObject)
            {
                var start = reader.TokenStart;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var g = ItemField(reader.PropertyName(name));
                    reader.Read();
                    if (g != CodexField.Count && e.Missing(g)) e._slots[(int)g] = reader.TakeValue();
                    else reader.Skip();
                }
                e._slots[(int)f] = new JsonSlot(JsonTokenType.StartObject, start, reader.BytesConsumed - start, false);
                continue;
            }
            if (f != CodexField.Count && e.Missing(f)) e._slots[(int)f] = reader.TakeValue();
            else reader.Skip();
        }
        if (reader.Read()) throw new JsonException("content after the event"); // unreachable: trailing content throws
        return e;
    }

    private readonly bool Missing(CodexField f) => !_slots[(int)f].IsPresent;

    private static CodexField EventField(ReadOnlySpan<byte> name)
    {
        return name.Length switch
        {
            4 when name.SequenceEqual("type"u8) => CodexField.Type,
            4 when name.SequenceEqual("item"u8) => CodexField.Item,
            5 when name.SequenceEqual("usage"u8) => CodexField.Usage,
            5 when name.SequenceEqual("error"u8) => CodexField.Error,
            7 when name.SequenceEqual("message"u8) => CodexField.Message,
            9 when name.SequenceEqual("thread_id"u8) => CodexField.ThreadId,
            _ => CodexField.Count,
        };
    }

    private static CodexField ItemField(ReadOnlySpan<byte> name)
    {
        return name.Length switch
        {
            2 when name.SequenceEqual("id"u8) => CodexField.ItemId,
            4 when name.SequenceEqual("type"u8) => CodexField.ItemType,
            4 when name.SequenceEqual("text"u8) => CodexField.Text,
            4 when name.SequenceEqual("tool"u8) => CodexField.Tool,
            5 when name.SequenceEqual("error"u8) => CodexField.ItemError,
            5 when name.SequenceEqual("query"u8) => CodexField.Query,
            5 when name.SequenceEqual("items"u8) => CodexField.Items,
            6 when name.SequenceEqual("status"u8) => CodexField.Status,
            6 when name.SequenceEqual("server"u8) => CodexField.Server,
            6 when name.SequenceEqual("result"u8) => CodexField.Result,
            7 when name.SequenceEqual("command"u8) => CodexField.Command,
            7 when name.SequenceEqual("changes"u8) => CodexField.Changes,
            7 when name.SequenceEqual("message"u8) => CodexField.ItemMessage,
            9 when name.SequenceEqual("exit_code"u8) => CodexField.ExitCode,
            9 when name.SequenceEqual("arguments"u8) => CodexField.Arguments,
            17 when name.SequenceEqual("aggregated_output"u8) => CodexField.AggregatedOutput,
            _ => CodexField.Count,
        };
    }
}
