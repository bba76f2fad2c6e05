using Microsoft.Extensions.Logging;

namespace Zwarm.Mcp;

/// <summary>Log lines on stderr ("zwarm mcp: …"): stdout belongs to the protocol.</summary>
internal sealed class StderrLoggerProvider(TextWriter err, LogLevel minimum) : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly TextWriter _err = err;
    private readonly LogLevel _minimum = minimum;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(StderrLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum && logLevel != LogLevel.None;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"zwarm mcp: {logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception).ReplaceLineEndings(" ")}";
            if (exception is not null && owner._minimum <= LogLevel.Debug)
                line += $" ({category}: {exception.GetType().Name}: {exception.Message})";
            lock (owner._gate)
            {
                owner._err.WriteLine(line);
                owner._err.Flush();
            }
        }
    }
}
