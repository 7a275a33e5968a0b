namespace MesaLab.Quantilizers.Tests;

using MesaLab.Quantilizers;

public class OptimizationPowerTests
{
    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.25, 2.0)]
    [InlineData(1.0 / 1024, 10.0)]
    [InlineData(0.0001, 13.287712379549449)]
    public void Quantilizer_bits_are_minus_log2_q(double q, double bits) =>
        Assert.Equal(bits, OptimizationPower.OfQuantilizer(q), 9);

    [Fact]
    public void Outcome_bits_are_minus_log2_of_the_empirical_tail_probability()
    {
        double[] sample = [1, 2, 3, 4, 5, 6, 7, 8];
        Assert.Equal(new Bits(0, false), OptimizationPower.OfOutcome(sample, 1));   // everything is at least 1
        Assert.Equal(new Bits(1, false), OptimizationPower.OfOutcome(sample, 5));   // 4 of 8
        Assert.Equal(new Bits(3, false), OptimizationPower.OfOutcome(sample, 8));   // 1 of 8
        Assert.Equal(new Bits(2, false), OptimizationPower.OfOutcome(sample, 6.5)); // 2 of 8
        // Beyond the sample: only a lower bound, log2 n.
        Assert.Equal(new Bits(3, true), OptimizationPower.OfOutcome(sample, 9));
    }

    [Fact]
    public void Exact_probability_bits()
    {
        Assert.Equal(0, OptimizationPower.OfProbability(1));
        Assert.Equal(4, OptimizationPower.OfProbability(1.0 / 16), 12);
        Assert.True(double.IsPositiveInfinity(OptimizationPower.OfProbability(0)));
    }
}
