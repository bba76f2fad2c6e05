using System.Text;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Agents;

/// <summary>
/// The fallback for follow-ups when the agent's own session id is unknown (e.g. a session written by
/// Python zwarm): the conversation so far is replayed as context in front of the new message.
/// </summary>
public static class ReplayPrompt
{
    /// <summary>Builds the replayed prompt, keeping it under <paramref name="maxChars"/> by dropping the oldest middle turns.</summary>
    public static string Build(SessionMeta session, string message, int maxChars = 60_000)
    {
        var parts = session.Messages
            .Where(m => m.Role is "user" or "assistant")
            .Select(m => $"[{m.Role.ToUpperInvariant()}]\n{m.Content.Trim()}\n")
            .ToList();
        // Python zwarm keeps only the agent's output in messages: a replay always starts with the task.
        if (session.Task.Trim().Length > 0 && session.Messages.FirstOrDefault(m => m.Role is "user" or "assistant")?.Role != "user")
            parts.Insert(0, $"[USER]\n{session.Task.Trim()}\n");
        while (parts.Count > 2 && parts.Sum(p => p.Length) > maxChars) parts.RemoveAt(1);
        var sb = new StringBuilder();
        sb.AppendLine("Continue the conversation below. It is the history of this task so far; answer the new message at the end.");
        sb.AppendLine();
        sb.AppendLine("--- conversation so far ---");
        foreach (var p in parts) sb.AppendLine(p);
        sb.AppendLine("--- new message ---");
        sb.Append(message);
        return sb.ToString();
    }
}
