namespace MesaLab.Tests;

/// <summary>
/// A test that proves something slow (a longer learning run, a large sample). Skipped unless the
/// environment variable MESALAB_SLOW_TESTS=1 is set, so the default `dotnet test` stays quick; the
/// quick suite still contains a small learning test for every learner.
/// </summary>
public sealed class SlowFactAttribute : FactAttribute
{
    public SlowFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MESALAB_SLOW_TESTS") != "1")
            Skip = "slow test: set MESALAB_SLOW_TESTS=1 to run it";
    }
}
