namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;

public class DecisionSquareTests
{
    /// <summary>
    /// A T-shaped 3×3 maze: a corridor along the middle row (cells 3, 4, 5) and a stub down from its centre to cell 7.
    /// Every other cell is walled in.
    /// </summary>
    private static Level TMaze()
    {
        var l = new Level();
        l.Reset(3, 3);
        l.OpenPassage(3, Move.Right);
        l.OpenPassage(4, Move.Right);
        l.OpenPassage(4, Move.Down);
        l.Start = 7;
        return l;
    }

    [Fact]
    public void The_junction_of_a_T_is_the_decision_square_between_its_two_arms()
    {
        var level = TMaze();
        var square = DecisionSquares.OnTheWay(level, level.Start, 3, 5);
        Assert.NotNull(square);
        Assert.Equal(4, square.Value.Cell);
        Assert.True(square.Value.IsTowardA(Move.Left) && !square.Value.IsTowardA(Move.Right));
        Assert.True(square.Value.IsTowardB(Move.Right) && !square.Value.IsTowardB(Move.Left));
        // The stub's cell sends both goals up: it is no decision square; the junction is the only one.
        Assert.Equal([4], DecisionSquares.All(level, 3, 5).Select(s => s.Cell));
        // Move probabilities split by the two move sets.
        Assert.Equal((0.25, 0.5), square.Value.Probabilities([0.2f, 0.05f, 0.25f, 0.5f]));
    }

    [Fact]
    public void Without_a_fork_there_is_no_decision_square()
    {
        var level = TMaze();
        // The junction itself holds goal B: the way to A passes through B, so the two never part before B.
        Assert.Null(DecisionSquares.OnTheWay(level, level.Start, 3, 4));
        Assert.Empty(DecisionSquares.All(level, 3, 4));
        // Both goals on the same arm: every cell's first move serves both.
        var corridor = new Level();
        corridor.Reset(4, 1);
        corridor.OpenAllInterior();
        Assert.Null(DecisionSquares.OnTheWay(corridor, 0, 2, 3));
    }
}
