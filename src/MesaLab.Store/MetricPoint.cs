namespace MesaLab.Store;

/// <summary>One metric value logged at one update (e.g. <c>episodic_return</c> at update 12, env step 12288).</summary>
/// <remarks>(run, update, name) is unique: logging the same name twice at one update keeps the last value.</remarks>
public readonly record struct MetricPoint(long Update, long EnvStep, string Name, double Value);
