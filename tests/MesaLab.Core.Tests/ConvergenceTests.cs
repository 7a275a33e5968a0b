namespace MesaLab.Core.Tests;

public class ConvergenceTests
{
    [Theory]
    [InlineData(1.0, 0.995, 0.01, true)]   // fell 0.5 %: a plateau
    [InlineData(1.0, 0.95, 0.01, false)]   // fell 5 %: still learning
    [InlineData(1.0, 1.2, 0.01, true)]     // rose: no further progress to wait for
    [InlineData(double.NaN, 0.5, 0.01, false)] // one measurement only: cannot tell
    public void A_loss_plateau_is_a_relative_fall_at_most_the_tolerance(double before, double after, double tolerance, bool converged)
    {
        var c = Convergence.LossPlateau(before, after, "epoch", tolerance);
        Assert.Equal(converged, c.Converged);
        Assert.StartsWith(converged ? "converged" : "DID NOT CONVERGE", c.ToString());
        Assert.Contains("last epoch", c.Criterion);
    }
}
