using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Zwarm.Core.Agents.Claude;

/// <summary>The fields of a stream-json line, of its <c>message</c> and of the message's content blocks that the parser reads.</summary>
internal enum ClaudeField
{
    // line
    Type, Subtype, SessionId, Message, IsApiErrorMessage, Error, ApiErrorStatus, ParentToolUseId, Attempt, MaxRetries,
    ErrorStatus, RetryDelayMs, ToolUseId, ToolName, IsError, Result, Usage, TotalCostUsd, PermissionDenials, Errors,
    TerminalReason, NumTurns, ApiErrorType,
    // message
    MessageId, Model, Content,
    Count,
}

/// <summary>The fields of a content block (assistant text/tool_use/thinking, user tool_result).</summary>
internal enum BlockField
{
    Type, Text, Id, Name, Input, Thinking, ToolUseId, IsError, Content,
    Count,
}

/// <summary>Where the fields of one content block lie in the line.</summary>
internal struct ClaudeBlock
{
    private Slots _slots;

    [InlineArray((int)BlockField.Count)]
    private struct Slots
    {
        private JsonSlot _first;
    }

    public readonly JsonSlot this[BlockField f] => _slots[(int)f];

    public void Set(BlockField f, JsonSlot slot) => _slots[(int)f] = slot;
}

/// <summary>
/// One stream-json line read in a single forward <see cref="JsonLineReader"/> pass: the wanted fields of the line,
/// of its <c>message</c> and of the message's content blocks (objects of a content array, in order) are located,
/// every other value is skipped, and the pass checks the whole line's syntax. A field given twice is its last
/// occurrence (as <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>). Values are decoded only when
/// the parser asks for them.
/// </summary>
internal ref struct ClaudeEvent
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 256 };

    private readonly ReadOnlySpan<byte> _line;
    private Slots _slots;

    [InlineArray((int)ClaudeField.Count)]
    private struct Slots
    {
        private JsonSlot _first;
    }

    private ClaudeEvent(ReadOnlySpan<byte> line)
    {
        _line = line;
        _slots = default;
    }

    /// <summary>The line's value of a field; absent (reads as null) when the line has none.</summary>
    public readonly JsonSpan this[ClaudeField f] => _slots[(int)f].In(_line);

    /// <summary>A content block's value of a field.</summary>
    public readonly JsonSpan this[in ClaudeBlock block, BlockField f] => block[f].In(_line);

    /// <summary>
    /// Reads a line; false when it is JSON but not an object. Throws <see cref="JsonException"/> when it is not one
    /// JSON value. The content blocks of the (last) message, when its content is an array, go to <paramref name="blocks"/>.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> line, List<ClaudeBlock> blocks, out ClaudeEvent read)
    {
        read = default;
        var e = new ClaudeEvent(line);
        blocks.Clear();
        var reader = new JsonLineReader(line, Options);
        Span<byte> name = stackalloc byte[256];
        if (!reader.Read()) throw new JsonException("no value");
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            if (reader.Read()) throw new JsonException("content after the value"); // unreachable: trailing content throws
            return false;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var f = LineField(reader.PropertyName(name));
            reader.Read();
            if (f == ClaudeField.Message) e.ReadMessage(ref reader, blocks, name);
            else if (f != ClaudeField.Count) e._slots[(int)f] = reader.TakeValue();
            else reader.Skip();
        }
        if (reader.Read()) throw new JsonException("content after the value"); // unreachable: trailing content throws
        read = e;
        return true;
    }

    private void ReadMessage(ref JsonLineReader reader, List<ClaudeBlock> blocks, scoped Span<byte> name)
    {
        // A later message replaces an earlier one whole.
        _slots[(int)ClaudeField.MessageId] = _slots[(int)ClaudeField.Model] = _slots[(int)ClaudeField.Content] = default;
        blocks.Clear();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            _slots[(int)ClaudeField.Message] = reader.TakeValue();
            return;
        }
        var start = reader.TokenStart;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var f = MessageField(reader.PropertyName(name));
            reader.Read();
            if (f == ClaudeField.Content)
            {
                blocks.Clear();
                _slots[(int)f] = reader.TokenType == JsonTokenType.StartArray ? ReadBlocks(ref reader, blocks, name) : reader.TakeValue();
            }
            else if (f != ClaudeField.Count) _slots[(int)f] = reader.TakeValue();
            else reader.Skip();
        }
        _slots[(int)ClaudeField.Message] = new JsonSlot(JsonTokenType.StartObject, start, reader.BytesConsumed - start, false);
    }

    private static JsonSlot ReadBlocks(ref JsonLineReader reader, List<ClaudeBlock> blocks, scoped Span<byte> name)
    {
        var start = reader.TokenStart;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            var block = default(ClaudeBlock);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var f = BlockFieldOf(reader.PropertyName(name));
                reader.Read();
                if (f != BlockField.Count) block.Set(f, reader.TakeValue());
                else reader.Skip();
            }
            blocks.Add(block);
        }
        return new JsonSlot(JsonTokenType.StartArray, start, reader.BytesConsumed - start, false);
    }

    private static ClaudeField LineField(ReadOnlySpan<byte> name)
    {
        return name.Length switch
        {
            4 when name.SequenceEqual("type"u8) => ClaudeField.Type,
            5 when name.SequenceEqual("error"u8) => ClaudeField.Error,
            5 when name.SequenceEqual("usage"u8) => ClaudeField.Usage,
            6 when name.SequenceEqual("result"u8) => ClaudeField.Result,
            6 when name.SequenceEqual("errors"u8) => ClaudeField.Errors,
            7 when name.SequenceEqual("subtype"u8) => ClaudeField.Subtype,
            7 when name.SequenceEqual("message"u8) => ClaudeField.Message,
            7 when name.SequenceEqual("attempt"u8) => ClaudeField.Attempt,
            8 when name.SequenceEqual("is_error"u8) => ClaudeField.IsError,
            9 when name.SequenceEqual("tool_name"u8) => ClaudeField.ToolName,
            9 when name.SequenceEqual("num_turns"u8) => ClaudeField.NumTurns,
            10 when name.SequenceEqual("session_id"u8) => ClaudeField.SessionId,
            11 when name.SequenceEqual("max_retries"u8) => ClaudeField.MaxRetries,
            11 when name.SequenceEqual("tool_use_id"u8) => ClaudeField.ToolUseId,
            12 when name.SequenceEqual("error_status"u8) => ClaudeField.ErrorStatus,
            14 when name.SequenceEqual("retry_delay_ms"u8) => ClaudeField.RetryDelayMs,
            14 when name.SequenceEqual("total_cost_usd"u8) => ClaudeField.TotalCostUsd,
            14 when name.SequenceEqual("api_error_type"u8) => ClaudeField.ApiErrorType,
            15 when name.SequenceEqual("terminal_reason"u8) => ClaudeField.TerminalReason,
            16 when name.SequenceEqual("api_error_status"u8) => ClaudeField.ApiErrorStatus,
            18 when name.SequenceEqual("parent_tool_use_id"u8) => ClaudeField.ParentToolUseId,
            18 when name.SequenceEqual("permission_denials"u8) => ClaudeField.PermissionDenials,
            20 when name.SequenceEqual("is_api_error_message"u8) => ClaudeField.IsApiErrorMessage,
            _ => ClaudeField.Count,
        };
    }

    private static ClaudeField MessageField(ReadOnlySpan<byte> name)
    {
        return name.Length switch
        {
            2 when name.SequenceEqual("id"u8) => ClaudeField.MessageId,
            5 when name.SequenceEqual("model"u8) => ClaudeField.Model,
            7 when name.SequenceEqual("content"u8) => ClaudeField.Content,
            _ => ClaudeField.Count,
        };
    }

    private static BlockField BlockFieldOf(ReadOnlySpan<byte> name)
    {
        return name.Length switch
        {
            2 when name.SequenceEqual("id"u8) => BlockField.Id,
            4 when name.SequenceEqual("type"u8) => BlockField.Type,
            4 when name.SequenceEqual("text"u8) => BlockField.Text,
            4 when name.SequenceEqual("name"u8) => BlockField.Name,
            5 when name.SequenceEqual("input"u8) => BlockField.Input,
            7 when name.SequenceEqual("content"u8) => BlockField.Content,
            8 when name.SequenceEqual("thinking"u8) => BlockField.Thinking,
            8 when name.SequenceEqual("is_error"u8) => BlockField.IsError,
            11 when name.SequenceEqual("tool_use_id"u8) => BlockField.ToolUseId,
            _ => BlockField.Count,
        };
    }
}
