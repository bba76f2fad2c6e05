using Spectre.Console;
using Zwarm.Core;

namespace Zwarm.Cli.Rendering;

/// <summary>Text for Spectre markup: made visible (<see cref="UntrustedText"/>), then markup-escaped.</summary>
internal static class Term
{
    /// <summary>Safe inside markup whatever it holds.</summary>
    public static string Escape(string? text) => Markup.Escape(UntrustedText.Visible(text));
}
