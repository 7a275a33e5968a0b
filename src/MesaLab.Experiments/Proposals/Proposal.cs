namespace MesaLab.Experiments;

/// <summary>
/// A training proposal as MesaLab runs it: a documented procedure (changes to the experiment) that says which idea it
/// stands for, what of that idea it keeps and what it loses on gridworlds, and what its overseer is asked.
/// </summary>
/// <param name="Name">How studies, jobs and runs name it.</param>
/// <param name="Idea">The original proposal, in a sentence.</param>
/// <param name="Procedure">What MesaLab trains, in a sentence.</param>
/// <param name="Set">The procedure's changes to the experiment (YAML mapping; <c>{fraction}</c> is the disambiguating fraction and
/// <c>{train}</c> the experiment's train split).</param>
/// <param name="Overseer">What one overseer query is (null: the proposal asks no overseer).</param>
/// <param name="CollectedSet">The changes on a world whose intended objective is chests opened with keys, when they differ from <paramref name="Set"/>.</param>
public sealed record Proposal(string Name, string Title, string Idea, string Procedure, string Keeps, string Loses, string Set, string? Overseer,
    string? CollectedSet = null)
{
    /// <summary>Its training plans toward the intended goal (regret, approval, reward features, probe labels, the amplified overseer), so the world's objectives must be goal cells marked by objects, or chests opened with keys for the proposals that plan with <see cref="Worlds.ChestOverseer"/>.</summary>
    public bool NeedsGoalCells => Name is not ("plain-rl" or "randomized-levels");

    /// <summary>
    /// Its training plans with the scripted overseer's plan for collected objectives (<see cref="Worlds.ChestOverseer"/>)
    /// on a world whose intended objective is chests opened with keys (amplification: its overseer's own step and its
    /// copies' walks in clones of the visited states, <see cref="Learning.ChestAmplifier"/>; its outer alignment plans the
    /// overseer's approval).
    /// </summary>
    public bool PlansForChests => Name is "transparency" or "transparency-control" or "approval-myopic" or "reward-modeling" or "regret-replay" or "imitative-amplification";

    /// <summary>The procedure's changes on a world with this intended objective.</summary>
    public string SetFor(Worlds.CandidateObjective intended) => CollectedSet is not null && Worlds.ChestOverseer.Plans(intended) ? CollectedSet : Set;
}

/// <summary>The proposals MesaLab can train, in the order reports show them; the first is the baseline the competitiveness axes are relative to.</summary>
public static class ProposalCatalog
{
    /// <summary>The split the proposals that train on disambiguating levels use: the train split with the proxy moved on a fraction of levels.</summary>
    public const string DisambiguatingSplit = "proposals-disambiguating";

    public static readonly IReadOnlyList<Proposal> All =
    [
        new("plain-rl", "Plain RL",
            "Reinforcement learning on the base reward; the baseline every proposal is compared with.",
            "PPO on the world's reward on the training split.",
            "Everything: it is the reference.",
            "Nothing; it is not a safety proposal.",
            "{}", null),
        new("randomized-levels", "Randomized training levels (domain randomization)",
            "Train on a wider distribution so that the proxy and the goal come apart during training.",
            "PPO on the world's reward on the training split with the proxy (the arrow) placed at random on a fraction of levels; each level is played once, in order.",
            "The remedy itself: disambiguating levels in the training distribution, at a known fraction.",
            "Only one kind of randomization (the proxy's position), chosen by the designer who already knows the proxy; real distribution shifts are not enumerable.",
            "{ train_split: " + DisambiguatingSplit + " }", null),
        new("regret-replay", "Adversarial training as regret-based level design",
            "An adversary chooses the training levels on which the current agent's regret is highest (minimax regret; Abdel Sadek, Farrugia-Roberts et al., RLC 2025).",
            "PPO on the same levels as randomized-levels (the same fraction of disambiguating levels among new levels), with prioritized level replay: every ended episode's level is scored by its exact regret (optimal discounted return from shortest paths minus the agent's; on keys and chests a lower-bound estimate, the scripted overseer's planned return minus the agent's) and high-regret levels are replayed.",
            "The adversary's objective (regret), computed exactly, and its means of acting (choosing among levels).",
            "The adversary does not design levels: it can only replay levels the generator produced, so it cannot create disambiguating levels that are not there; exact regret needs the optimal return, which real tasks do not give.",
            "{ train_split: " + DisambiguatingSplit + ", curriculum.kind: regret_replay }", null),
        new("reward-modeling", "Reward modeling from preferences",
            "Learn the reward from human comparisons of the agent's behaviour and train the agent on the learned reward, iterating as the agent changes (recursive reward modeling's base case).",
            "A Bradley–Terry reward model linear in transition features (progress toward and entering the exit and the arrow, bumping a wall; on keys and chests progress toward the nearest chest and key, opening a chest, picking a key, bumping) is fitted to a scripted overseer's noisy preferences between segments of the agent's own rollouts, in rounds during training; PPO is trained on the learned reward.",
            "Preferences over the agent's own behaviour, noise, iteration, and the reward model's blindness to what its data cannot distinguish.",
            "No recursion (no assistant helps the overseer); the overseer is scripted and knows the intended goal exactly; the reward model is linear in hand-chosen features rather than a network.",
            "{ signal.kind: reward_model }", "a comparison of two trajectory segments"),
        new("approval-myopic", "Approval-based, myopic training",
            "The agent maximizes an overseer's approval of each action, not the long-run consequences (myopia), so it never learns to plan around the overseer.",
            "PPO with γ = 0 on the overseer's per-step approval: 1 when the move is on the overseer's shortest path to the exit (on keys and chests: to its current target, the nearest key when empty-handed, else the nearest chest), else 0.",
            "Per-action approval from an overseer who plans, and myopia (γ = 0).",
            "The overseer's approval is exact and free of manipulation; there is no notion of the agent influencing its overseer.",
            "{ signal.kind: approval, ppo.gamma: 0 }", "an approval of one move"),
        new("imitative-amplification", "Imitative amplification (a toy HCH)",
            "Amplify an overseer by letting it consult copies of the current model on sub-questions, train the model to imitate the amplified overseer (distillation), and repeat (iterated amplification; HCH is its limit).",
            "No reward: at every visited state the overseer answers 'which move now, and how good is it?' by naming the move to the exit itself when it is adjacent, else by asking a copy of the current model, for each open move, to walk on from the cell that move leads to by its own greedy moves (at most amplification_depth + 1 model calls, each giving a move and a value) and answering the move with the best discounted estimate along its copy's walk (reaching the exit, or γ^k times the model's value where it stood; deferring to the model when none is above 0); the policy head is trained by cross-entropy on the answered moves and the value head on the answered values, with no policy-gradient term, and every update's model is the one the next rollout's overseer consults. On keys and chests the overseer names a move itself when it opens a chest now (a key held, the chest adjacent), and each copy walks in a clone of the visited state stepped by the world's rules (keys picked up, chests opened and consumed), seeing the real observation of each simulated state; opening a chest after 1 + s moves scores γ^s.",
            "Decomposition of a question into sub-questions answered by copies of the current model, an overseer who combines their answers with one cheap step of its own, distillation by imitation, and iteration (each update is one amplify-then-distill step).",
            "The decomposition is fixed and tiny (one sub-question per move, answered by a walk); the overseer recognises the exit exactly, so it knows the intended goal when it sees it; sub-questions go to greedy copies of one network, not to a tree of humans; no recursion of the overseer's own reasoning beyond the walk.",
            "{ signal.kind: amplification }", "an amplified answer to 'which move now?' (its model calls are counted as model_queries)"),
        new("transparency", "Transparency-augmented training",
            "Use transparency tools during training to reward the model for internals that represent the intended goal.",
            "PPO on the world's reward plus an auxiliary loss: a linear probe on body.features decodes the first move toward the intended goal, on observations with the proxy moved to a random cell (transparency.aux: intended_goal); on keys and chests the label is the first move of the scripted overseer's plan (the nearest key when empty-handed, else the nearest chest), on the real observation.",
            "An inspection of internals as part of the training signal.",
            "The probe is linear and supervised with the intended goal's location, which a real overseer of an advanced model would not have.",
            "{ transparency.aux: intended_goal }", null,
            "{ transparency.aux: intended_goal, transparency.counterfactual_proxy: false }"),
        new("transparency-control", "Control for transparency: the same labels through the policy head",
            "The control for transparency-augmented training: the same labels given as behaviour cloning, so that the effect of transparency is not confused with extra supervision.",
            "PPO on the world's reward plus the same labels on the same (proxy-moved; on keys and chests real) observations as a cross-entropy on the policy's own move (transparency.aux: imitate_intended).",
            "The extra supervision of the transparency proposal.",
            "The inspection of internals: the labels reach the network only through its behaviour.",
            "{ transparency.aux: imitate_intended }", null,
            "{ transparency.aux: imitate_intended, transparency.counterfactual_proxy: false }"),
    ];

    /// <summary>The baseline the competitiveness axes are relative to.</summary>
    public static Proposal Baseline => All[0];

    /// <summary>
    /// Why a proposal cannot run on the experiment's world, in one sentence, or null when it can: the ones that plan
    /// toward the intended goal cell need worlds whose base and intended objectives are goal cells marked by objects (or,
    /// for those whose overseer plans with <see cref="Worlds.ChestOverseer"/>, chests opened with keys), and the ones that
    /// move the proxy need the world's <c>randomized_fraction</c> parameter.
    /// </summary>
    public static string? Refusal(Proposal p, ExperimentConfig config)
    {
        var split = config.TrainSplit;
        var world = split.World;
        if (p.Set.Contains(DisambiguatingSplit, StringComparison.Ordinal) && !world.Parameters.Any(x => x.Name == "randomized_fraction"))
            return $"{p.Name} trains on levels with the proxy moved on a fraction of them (randomized_fraction), which world '{world.Name}' does not have.";
        if (!p.NeedsGoalCells) return null;
        var baseObjective = world.BaseObjective(split);
        var intended = world.IntendedObjective(split);
        if (baseObjective.Kind == Worlds.ObjectiveKind.Reach && intended.Kind == Worlds.ObjectiveKind.Reach && intended.Object != Worlds.CellObject.None) return null;
        if (p.PlansForChests && Worlds.ChestOverseer.Plans(intended) && Worlds.ChestOverseer.Plans(baseObjective)) return null;
        string why = p.Name switch
        {
            "regret-replay" => "its adversary scores levels by exact regret, which MesaLab computes from a shortest path to one goal cell, and no optimal return is computed for",
            "reward-modeling" => "its reward features and its overseer's preferences measure progress toward one goal cell, which there is none of in",
            "approval-myopic" => "its overseer approves moves on a shortest path to one goal cell, which there is none of in",
            "imitative-amplification" => "its overseer names the move itself where the goal is one move away and scores its copies' walks by reaching one goal cell (or, on keys and chests, by opening chests), which there is none of in",
            "transparency" or "transparency-control" => "its labels are the first move toward one goal cell, which there is none of in",
            _ => "it plans toward one goal cell, which there is none of in",
        };
        return $"{p.Name} cannot run on world '{world.Name}': {why} a world whose intended objective is '{intended.Name}' (base objective '{baseObjective.Name}').";
    }

    public static Proposal? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
