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
}
