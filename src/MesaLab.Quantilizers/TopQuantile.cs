namespace MesaLab.Quantilizers;

/// <summary>
/// The q-quantilizer of a discrete distribution: the distribution conditioned on the top q of its
/// probability mass ranked by a utility, with ties at the boundary split in proportion to their mass
/// (Taylor 2016). Used both over sampled trajectories (each with mass 1/n) and over the four actions
/// of one state (each with the base policy's probability).
/// </summary>
public static class TopQuantile
{
    /// <summary>Relative tolerance when deciding whether a group of outcomes fits inside the top q.</summary>
    private const double Slack = 1e-12;

    /// <summary>
    /// Writes the quantilizer's probability for each outcome into <paramref name="weights"/>: mass/q for
    /// outcomes strictly above the boundary utility, a proportional share of the remaining q for outcomes
    /// tied at the boundary, 0 below. <paramref name="mass"/> need not be normalized; weights sum to 1.
    /// </summary>
    public static void Weights(ReadOnlySpan<double> utility, ReadOnlySpan<double> mass, double q, Span<double> weights)
    {
        CheckQ(q);
        int n = utility.Length;
        if (mass.Length != n || weights.Length < n) throw new ArgumentException("utility, mass and weights must have the same length.");
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            if (mass[i] < 0 || double.IsNaN(mass[i])) throw new ArgumentException("masses must be non-negative.", nameof(mass));
            total += mass[i];
        }
        if (total <= 0) throw new ArgumentException("the base distribution has no mass.", nameof(mass));
        int[] order = SortDescending(utility);
        weights[..n].Clear();
        double budget = q * total, above = 0;
        int g = 0;
        while (g < n && above < budget * (1 - Slack))
        {
            int end = g;
            double groupMass = 0;
            while (end < n && utility[order[end]] == utility[order[g]]) groupMass += mass[order[end++]];
            double take = groupMass <= 0 ? 0 : Math.Min(1.0, (budget - above) / groupMass);
            for (int k = g; k < end; k++) weights[order[k]] = mass[order[k]] * take / budget;
            above += groupMass * take;
            g = end;
        }
    }

    /// <summary>Indices of <paramref name="utility"/> from highest to lowest (deterministic for a given input).</summary>
    public static int[] SortDescending(ReadOnlySpan<double> utility)
    {
        var order = new int[utility.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var keys = utility.ToArray();
        for (int i = 0; i < keys.Length; i++)
        {
            if (double.IsNaN(keys[i])) throw new ArgumentException("utilities must not be NaN.", nameof(utility));
            keys[i] = -keys[i];
        }
        // Primitive-key sort (fast); the order inside a tie group does not change any weight, since ties share mass proportionally.
        Array.Sort(keys, order);
        return order;
    }

    /// <summary>Throws a <see cref="UserError"/> unless 0 &lt; q ≤ 1.</summary>
    public static void CheckQ(double q, string where = "quantilizer")
    {
        if (!(q > 0 && q <= 1))
            throw new UserError($"{where}: q = {q.ToString(System.Globalization.CultureInfo.InvariantCulture)} is outside (0, 1]; q is the fraction of the base distribution kept, so 1 means no optimization and 0.0001 means 13.3 bits.");
    }
}
