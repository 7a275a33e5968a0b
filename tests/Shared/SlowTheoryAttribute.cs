namespace MesaLab.Tests;

/// <summary>A theory whose cases are slow (large samples); skipped unless MESALAB_SLOW_TESTS=1, like <see cref="SlowFactAttribute"/>.</summary>
public sealed class SlowTheoryAttribute : TheoryAttribute
{
    public SlowTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("MESALAB_SLOW_TESTS") != "1")
            Skip = "slow test: set MESALAB_SLOW_TESTS=1 to run it";
    }
}
