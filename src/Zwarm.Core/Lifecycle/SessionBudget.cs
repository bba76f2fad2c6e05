using System.Globalization;
using Zwarm.Core.Events;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>
/// A session's spend against executor.token_budget and executor.cost_budget_usd: its cost (agent-reported, else the
/// registry's price), whether it is over budget, and the event when a turn crosses the budget.
/// </summary>
internal sealed class SessionBudget(SessionManager sessions)
{
    /// <summary>USD: reported by the agent, else estimated from the registry price; null when unknown.</summary>
    public double? CostOf(SessionMeta m) => sessions.Agents.Models.CostOf(m, sessions.Config.Prices);

    /// <summary>How a session is over its token or cost budget ("used 1,200 tokens of 1,000 (executor.token_budget)"), or null.</summary>
    public string? OverBudget(SessionMeta m)
    {
        var budget = sessions.Config.Executor.TokenBudget;
        if (budget > 0 && m.TotalTokens >= budget)
            return $"used {m.TotalTokens:N0} tokens, over the budget of {budget:N0} (executor.token_budget)";
        var usd = sessions.Config.Executor.CostBudgetUsd;
        if (usd > 0 && CostOf(m) is { } cost && cost >= usd)
            return $"cost ${Usd(cost)}, over the budget of ${Usd(usd)} (executor.cost_budget_usd)";
        return null;
    }

    /// <summary>Records budget_exceeded when the turn just finished took the session over a budget it was under.</summary>
    public void RecordCrossing(SessionMeta m, double? costBefore, long tokensBefore)
    {
        var usd = sessions.Config.Executor.CostBudgetUsd;
        var tokens = sessions.Config.Executor.TokenBudget;
        var cost = CostOf(m);
        var crossedCost = usd > 0 && cost >= usd && !(costBefore >= usd);
        var crossedTokens = tokens > 0 && m.TotalTokens >= tokens && tokensBefore < tokens;
        if ((crossedCost || crossedTokens) && OverBudget(m) is { } over) sessions.RecordEvent(m, EventNames.BudgetExceeded, over);
    }

    /// <summary>Dollars with cents, and more digits only when they matter ($0.00012).</summary>
    public static string Usd(double v) => v.ToString("0.00####", CultureInfo.InvariantCulture);
}
