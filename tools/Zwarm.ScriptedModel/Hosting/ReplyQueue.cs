namespace Zwarm.ScriptedModel;

/// <summary>The FIFO of scripted replies for one endpoint; not thread-safe (the server locks around it).</summary>
internal sealed class ReplyQueue
{
    private readonly List<Entry> _entries = [];
    private int _enqueued;

    public int Count => _entries.Count;

    public void Add(ScriptedReply reply) =>
        _entries.Add(new Entry(reply, _enqueued++) { Remaining = reply.Times });

    /// <summary>
    /// The first entry whose <c>when</c> keyword is in the prompt, else the first entry without <c>when</c>;
    /// so conditional entries can be listed in any order next to a default sequence.
    /// </summary>
    public bool TryTake(string? prompt, out ScriptedReply reply, out int index)
    {
        var entry = Next(prompt);
        if (entry is null)
        {
            (reply, index) = (null!, -1);
            return false;
        }

        // Times == 0 means forever: Remaining goes negative and never reaches 0.
        if (--entry.Remaining == 0)
        {
            _entries.Remove(entry);
        }

        (reply, index) = (entry.Reply, entry.Index);
        return true;
    }

    /// <summary>Whether <see cref="TryTake"/> would find a reply for the prompt.</summary>
    public bool CanTake(string? prompt) => Next(prompt) is not null;

    private Entry? Next(string? prompt) =>
        _entries.Find(e => e.Reply.When is { } keyword && prompt?.Contains(keyword, StringComparison.Ordinal) == true)
        ?? _entries.Find(e => e.Reply.When is null);

    private sealed record Entry(ScriptedReply Reply, int Index)
    {
        public int Remaining { get; set; }
    }
}
