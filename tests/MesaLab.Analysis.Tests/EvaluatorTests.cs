namespace MesaLab.Analysis.Tests;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

public class EvaluatorTests
{
    private static readonly Split Deploy = WorldCatalog.Get("green-arrow-maze").Split("deploy");

    private static byte[][] Encoded(IReadOnlyList<EpisodeRecord> rs) => rs.Select(r => r.Encode()).ToArray();

    [Fact]
    public void Evaluation_is_deterministic_for_a_seed()
    {
        var a = Evaluator.Run(Deploy, new SeekerAgent(CandidateObjective.Arrow, 0.3, 4), 30, 77, batchSize: 8);
        var b = Evaluator.Run(Deploy, new SeekerAgent(CandidateObjective.Arrow, 0.3, 4), 30, 77, batchSize: 8);
        Assert.Equal(Encoded(a), Encoded(b));
        var c = Evaluator.Run(Deploy, new SeekerAgent(CandidateObjective.Arrow, 0.3, 4), 30, 78, batchSize: 8);
        Assert.NotEqual(Encoded(a), Encoded(c));
    }

    [Fact]
    public void Episode_i_is_played_on_level_i_whatever_the_batch_size()
    {
        var one = Evaluator.Run(Deploy, new SeekerAgent(CandidateObjective.Exit), 12, 5, batchSize: 1);
        var seven = Evaluator.Run(Deploy, new SeekerAgent(CandidateObjective.Exit), 12, 5, batchSize: 7);
        var all = Evaluator.Run(Deploy, new SeekerAgent(CandidateObjective.Exit), 12, 5);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), one.Select(r => r.LevelIndex));
        Assert.Equal(Encoded(one), Encoded(seven));
        Assert.Equal(Encoded(one), Encoded(all));
    }

    [Fact]
    public void Observations_are_written_only_for_policies_that_read_them()
    {
        var blind = new ObservationSpy(false);
        var seeing = new ObservationSpy(true);
        Evaluator.Run(Deploy, blind, 3, 1);
        Evaluator.Run(Deploy, seeing, 3, 1);
        Assert.Equal(0, blind.MaxLength);
        Assert.True(seeing.MaxLength > 0 && seeing.SawAgent);
    }

    private sealed class ObservationSpy(bool needs) : IPolicy
    {
        public int MaxLength;
        public bool SawAgent;
        public string Name => "spy";
        public bool NeedsObservations => needs;

        public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
        {
            MaxLength = Math.Max(MaxLength, observations.Length);
            if (!observations.IsEmpty)
            {
                int plane = batch.CanvasWidth * batch.CanvasHeight;
                var agent = observations.Slice(World.AgentChannel * plane, plane);
                foreach (float v in agent) if (v == 1f) SawAgent = true;
            }
            moves.Fill(Move.Right);
        }
    }
}
