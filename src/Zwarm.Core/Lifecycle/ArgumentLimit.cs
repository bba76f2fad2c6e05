using System.Globalization;
using System.Text;
using Zwarm.Core.Agents;

namespace Zwarm.Core.Lifecycle;

/// <summary>
/// The task or message reaches the agent as one command-line argument, and Linux refuses an argument over 128 KiB
/// (MAX_ARG_STRLEN, 32 pages) with E2BIG: refuse it before anything is created, saying so.
/// </summary>
internal static class ArgumentLimit
{
    /// <summary>Most bytes of one argument (the limit counts the terminating NUL).</summary>
    public const int MaxBytes = 128 * 1024 - 1;

    /// <summary>
    /// Throws a usage error when an argument of <paramref name="command"/> is too long; <paramref name="what"/> names it.
    /// </summary>
    public static void Check(AgentCommand command, string what)
    {
        foreach (var arg in command.Arguments)
        {
            var bytes = Encoding.UTF8.GetByteCount(arg);
            if (bytes > MaxBytes)
                throw new ZwarmException(string.Create(CultureInfo.InvariantCulture,
                    $"the {what} is too long: {bytes:N0} bytes, over the 128 KiB limit of one command-line argument " +
                    $"(Linux MAX_ARG_STRLEN); put the details in a file and refer to it"), 2);
        }
    }
}
