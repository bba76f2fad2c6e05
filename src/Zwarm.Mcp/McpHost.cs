using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;
using Zwarm.Core.Lifecycle;

namespace Zwarm.Mcp;

/// <summary>The entry point the command line calls: serve one MCP client over stdin/stdout.</summary>
internal static class McpHost
{
    /// <summary>Serves until the client closes stdin; logs go to <paramref name="err"/>.</summary>
    public static async Task<int> ServeStdioAsync(SessionManager manager, TextWriter err, bool verbose, CancellationToken ct)
    {
        using var logging = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace)
            .AddProvider(new StderrLoggerProvider(err, verbose ? LogLevel.Debug : LogLevel.Warning)));
        await using var server = new ZwarmMcpServer(manager);
        err.WriteLine($"zwarm mcp: serving {manager.Config.ProjectDir} over stdio");
        err.Flush();
        await server.RunAsync(new StdioServerTransport("zwarm", logging), logging, ct);
        return 0;
    }
}
