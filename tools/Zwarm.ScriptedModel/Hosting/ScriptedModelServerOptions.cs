namespace Zwarm.ScriptedModel;

/// <summary>How to start a <see cref="ScriptedModelServer"/>.</summary>
public sealed record ScriptedModelServerOptions
{
    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Receives one line per request and per problem (e.g. for <c>--verbose</c>).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Clock for <see cref="RecordedRequest.ReceivedAt"/> and the <c>created</c> fields.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// How long a request that finds its queue empty waits for a reply to be enqueued before it is answered
    /// "queue exhausted"; zero (the default) answers at once. A test that enqueues replies while its client runs
    /// sets this, so that the client asking first is not a race the test can lose on a slow machine.
    /// </summary>
    public TimeSpan ReplyWait { get; init; }
}
