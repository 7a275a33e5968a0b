namespace MesaLab.Experiments;

/// <summary>
/// The kinds of run and of stored result document, listed once. Runs are created with a run kind; documents are
/// attached to runs (and evaluations) under a result kind, by which reports and later jobs find them again.
/// </summary>
public static class ResultKinds
{
    // Run kinds.
    public const string TrainRun = "train";
    public const string QuantilizeRun = "quantilize";

    // Result documents.
    public const string HeldOutCheck = "held_out_check";
    public const string Analysis = "analysis";
    public const string GoodhartCurve = "quantilize";
    public const string Activations = "transparency.activations";
    public const string Probes = "transparency.probes";
    public const string SearchLikeness = "transparency.search_likeness";
    public const string Steering = "transparency.steering";
    public const string Retargeting = "transparency.retargeting";
    public const string DecisionSquares = "transparency.decision_squares";
    public const string Resampling = "transparency.resampling";
    public const string Attribution = "transparency.attribution";
    public const string TransparencyComparison = "transparency.comparison";
    public const string StudyRun = "study.run";
    public const string TestTimeCompute = "search.test_time_compute";
    public const string ValueMaps = "search.value_maps";
    public const string GoalEdit = "search.goal_edit";
    public const string InContextLearning = "search.in_context";
    public const string TrainingSignal = "training.signal";
}
