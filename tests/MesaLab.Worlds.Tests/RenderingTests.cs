namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;
using MesaLab.Worlds.Rendering;

/// <summary>Pictures: the colours at known cells follow the names.</summary>
public class RenderingTests
{
    private static Level Room()
    {
        var l = new Level();
        l.Reset(4, 3);
        l.OpenAllInterior();
        l.Start = l.CellAt(0, 2);
        l.Objects[l.CellAt(3, 0)] = CellObject.Exit | CellObject.Arrow;
        l.Objects[l.CellAt(1, 0)] = CellObject.Exit;
        l.Objects[l.CellAt(2, 0)] = CellObject.Cheese;
        l.Objects[l.CellAt(0, 1)] = CellObject.Key;
        l.Objects[l.CellAt(1, 1)] = CellObject.Chest;
        l.Objects[l.CellAt(2, 1)] = CellObject.Lava;
        l.Objects[l.CellAt(3, 1)] = CellObject.Marked;
        l.Objects[l.CellAt(3, 2)] = CellObject.Arrow;
        return l;
    }

    [Fact]
    public void Cells_show_the_palette_colour_of_their_object_at_their_centre()
    {
        var l = Room();
        var r = new LevelRenderer(24);
        var img = r.Render(l);
        Assert.Equal(4 * 24, img.Width);
        Assert.Equal(3 * 24, img.Height);
        Rgba At(int x, int y) { var (px, py) = r.Centre(l, l.CellAt(x, y)); return img[px, py]; }
        Assert.Equal(Palette.Arrow, At(3, 0));     // the arrow drawn on top of the exit
        Assert.Equal(Palette.Exit, At(1, 0));
        Assert.Equal(Palette.Cheese, At(2, 0));
        Assert.Equal(Palette.Key, At(0, 1));
        Assert.Equal(Palette.Chest, At(1, 1));
        Assert.Equal(Palette.Lava, At(2, 1));
        Assert.Equal(Palette.Marked, At(3, 1));
        Assert.Equal(Palette.Arrow, At(3, 2));
        Assert.Equal(Palette.Agent, At(0, 2));     // the agent on the start
        Assert.Equal(Palette.Floor, At(1, 2));
        // The exit under the arrow still shows at the cell's corner; the arrow is a shape, not a fill.
        Assert.Equal(Palette.Exit, img[3 * 24 + 4, 4]);
        Assert.Equal(Palette.Floor, img[3 * 24 + 4, 2 * 24 + 4]);
        // Colours the names promise: green arrow, orange-red lava, blue agent, yellow cheese.
        Assert.True(Palette.Arrow.G > Palette.Arrow.R && Palette.Arrow.G > Palette.Arrow.B);
        Assert.True(Palette.Lava.R > 200 && Palette.Lava.B < 60);
        Assert.True(Palette.Agent.B > Palette.Agent.R && Palette.Agent.B > Palette.Agent.G);
        Assert.True(Palette.Cheese.R > 200 && Palette.Cheese.G > 200 && Palette.Cheese.B < 100);
    }

    [Fact]
    public void New_objects_show_their_palette_colour_and_blocks_are_solid()
    {
        var l = new Level();
        l.Reset(5, 2);
        l.OpenAllInterior();
        l.Start = l.CellAt(0, 1);
        l.Objects[l.CellAt(0, 0)] = CellObject.Dish;
        l.Objects[l.CellAt(1, 0)] = CellObject.Dish | CellObject.Cheese;
        l.Objects[l.CellAt(2, 0)] = CellObject.Beacon;
        l.Objects[l.CellAt(3, 0)] = CellObject.Beacon | CellObject.NextBeacon | CellObject.PartnerBeacon;
        l.Objects[l.CellAt(4, 0)] = CellObject.Apple;
        l.Objects[l.CellAt(1, 1)] = CellObject.Shield;
        l.Objects[l.CellAt(2, 1)] = CellObject.Monster;
        l.Objects[l.CellAt(0, 1)] = CellObject.Partner;
        l.Enclose(l.CellAt(4, 1));
        var r = new LevelRenderer(24);
        var img = r.Render(l);
        Rgba At(int x, int y) { var (px, py) = r.Centre(l, l.CellAt(x, y)); return img[px, py]; }
        Assert.Equal(Palette.Dish, At(0, 0));
        Assert.Equal(Palette.Cheese, At(1, 0));                 // the cheese on the dish...
        Assert.Equal(Palette.DishRim, img[24 + 12, 12 - 10]);    // ...with the dish's rim around it
        Assert.Equal(Palette.Beacon, At(2, 0));
        Assert.Equal(Palette.NextBeacon, At(3, 0));
        Assert.Equal(Palette.Apple, At(4, 0));
        Assert.Equal(Palette.Shield, At(1, 1));
        Assert.Equal(Palette.Monster, At(2, 1));
        Assert.Equal(Palette.Agent, At(0, 1));                   // the agent over the partner...
        Assert.Equal(Palette.Partner, img[12 + 9, 24 + 12]);     // ...whose larger disc shows around it
        Assert.Equal(Palette.Floor, At(3, 1));
        var (bx, by) = r.Centre(l, l.CellAt(4, 1));
        Assert.Equal(Palette.Wall, img[bx, by]);                 // a block is solid
        var colours = new[] { Palette.Dish, Palette.Beacon, Palette.NextBeacon, Palette.Partner, Palette.Apple, Palette.Shield, Palette.Monster,
            Palette.Floor, Palette.Wall, Palette.Exit, Palette.Arrow, Palette.Cheese, Palette.Key, Palette.Chest, Palette.Lava, Palette.Marked, Palette.Agent };
        Assert.Equal(colours.Length, colours.Distinct().Count());
    }

    [Fact]
    public void Walls_are_dark_lines_exactly_where_moves_are_blocked()
    {
        var level = WorldCatalog.Get("green-arrow-maze").Split("train").World.CreateGenerator(WorldCatalog.Get("green-arrow-maze").Split("train")).Generate(3, 0);
        var r = new LevelRenderer(16);
        var img = r.Render(level, level.Objects.AsSpan(0, level.CellCount), -1);
        for (int c = 0; c < level.CellCount; c++)
        {
            int x0 = level.X(c) * 16, y0 = level.Y(c) * 16;
            // The middle of each cell side: wall colour iff that side is blocked.
            Assert.Equal(!level.CanMove(c, Move.Up), img[x0 + 8, y0] == Palette.Wall);
            Assert.Equal(!level.CanMove(c, Move.Down), img[x0 + 8, y0 + 15] == Palette.Wall);
            Assert.Equal(!level.CanMove(c, Move.Left), img[x0, y0 + 8] == Palette.Wall);
            Assert.Equal(!level.CanMove(c, Move.Right), img[x0 + 15, y0 + 8] == Palette.Wall);
        }
    }

    [Fact]
    public void Trajectory_is_drawn_through_the_cells_the_agent_visited_and_nowhere_else()
    {
        var s = WorldCatalog.Get("cheese-corner-maze").Split("deploy");
        var e = Episode.Record(s, 2, 0, new ShortestPathAgent(CandidateObjective.Cheese));
        var r = new LevelRenderer(20);
        var img = r.Render(e.Level, e.Objects[^1], e.Cells[^1], e.Cells.ToArray());
        var visited = e.Cells.ToHashSet();
        for (int c = 0; c < e.Level.CellCount; c++)
        {
            if (c == e.Cells[^1] || e.Level.Objects[c] != CellObject.None) continue;
            var (px, py) = r.Centre(e.Level, c);
            Assert.Equal(visited.Contains(c), img[px, py] == Palette.Trajectory);
        }
    }
}
