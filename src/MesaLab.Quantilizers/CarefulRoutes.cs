namespace MesaLab.Quantilizers;

using MesaLab.Worlds;

/// <summary>How a careful walker ranks routes around flower beds: shortest paths where entering a bed costs extra steps.</summary>
public static class CarefulRoutes
{
    /// <summary>
    /// Cost-to-go to the targets when each entry into a marked cell costs <paramref name="markedPenalty"/>
    /// extra steps (Dijkstra on the reversed graph): how a careful walker ranks routes around flower beds.
    /// </summary>
    public static double[] CostTo(Level level, IEnumerable<int> targets, double markedPenalty)
    {
        int n = level.CellCount;
        var cost = new double[n];
        Array.Fill(cost, double.PositiveInfinity);
        var pq = new PriorityQueue<int, double>();
        foreach (var t in targets) { cost[t] = 0; pq.Enqueue(t, 0); }
        while (pq.TryDequeue(out int c, out double d))
        {
            if (d > cost[c]) continue;
            // Predecessor p moves into c: paying 1 step plus the bed penalty if c is marked.
            double enter = 1 + ((level.Objects[c] & CellObject.Marked) != 0 ? markedPenalty : 0);
            for (int a = 0; a < Moves.Count; a++)
            {
                int p = level.Neighbor(c, (Move)a);
                if (p == c) continue;
                double nd = d + enter;
                if (nd < cost[p]) { cost[p] = nd; pq.Enqueue(p, nd); }
            }
        }
        return cost;
    }
}
