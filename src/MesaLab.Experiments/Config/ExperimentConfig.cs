namespace MesaLab.Experiments;

using System.Globalization;
using MesaLab.Worlds;

/// <summary>
/// An experiment: world, splits, seed, threads and the typed sections of <see cref="ExperimentSections"/> (<c>ppo</c>,
/// <c>network</c>, <c>evaluation</c>, …). Loaded from YAML on top of embedded defaults, so a verb with no file works,
/// then command-line overrides (<c>--set ppo.learning_rate=0.001</c>). Every error names the file, line, field path
/// and the allowed values. Configurations stored with runs carry <see cref="Version"/> and are read leniently
/// (<see cref="ParseStored"/>), so old runs stay open after settings change.
/// </summary>
/// <example>
/// <code>
/// var config = ExperimentConfig.Load("configs/green-arrow-maze.yaml", [ConfigOverride.Parse("seed=3")]);
/// var ppo = config.Section&lt;PpoSettings&gt;("ppo");
/// Split train = config.TrainSplit, deploy = config.DeploySplit;
/// store.CreateRun(new NewRun(config.Name, "train", config.World.Name, config.ToYaml(), config.Seed));
/// </code>
/// </example>
public sealed class ExperimentConfig
{
    public const string DefaultsSource = "built-in defaults";

    /// <summary>The fixed top-level fields; the sections of <see cref="ExperimentSections"/> come on top.</summary>
    public static readonly IReadOnlyList<string> CoreFields = ["config_version", "name", "world", "world_parameters", "splits", "train_split", "deploy_split", "seed", "threads"];

    /// <summary>The version of the configuration format written with runs (<c>config_version</c>); older stored configurations are migrated on reading.</summary>
    public const int CurrentVersion = 1;

    private readonly Dictionary<string, object> boundSections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Split> splitCache = new(StringComparer.OrdinalIgnoreCase);

    private ExperimentConfig(ConfigNode root, string source, IReadOnlyDictionary<string, Type> sections)
    {
        Root = root;
        Source = source;
        Sections = sections;
        foreach (var e in root.Entries)
            if (!CoreFields.Contains(e.Key) && !Sections.ContainsKey(e.Key))
                throw ConfigBinder.UnknownField(e, "", [.. CoreFields, .. Sections.Keys.Order(StringComparer.Ordinal)]);

        var worldEntry = root.Entry("world") ?? throw new UserError($"{source}: 'world' is missing; the worlds are {string.Join(", ", WorldCatalog.All.Select(w => w.Name))}.");
        string worldName = ConfigBinder.Bind<string>(worldEntry.Value, "world");
        try
        {
            World = WorldCatalog.Get(worldName);
        }
        catch (UserError e)
        {
            throw new UserError($"{worldEntry.Value.Location}: {e.Message}", e);
        }
        Name = root["name"] is { IsNull: false } n ? ConfigBinder.Bind<string>(n, "name") : World.Name;
        Seed = ConfigBinder.Bind<long>(Required("seed"), "seed");
        if (Seed < 0) throw new UserError($"{Required("seed").Location}: seed is '{Seed}', but it must be a whole number, 0 or more.");
        Threads = ConfigBinder.Bind<int>(Required("threads"), "threads");
        if (Threads is < 1 or > 1024) throw new UserError($"{Required("threads").Location}: threads is '{Threads}', but it must be a whole number from 1 to 1024.");

        var wp = root["world_parameters"] ?? ConfigNode.EmptyMapping(new ConfigLocation(source));
        if (!wp.IsNull && wp.Kind != ConfigNodeKind.Mapping)
            throw new UserError($"{wp.Location}: world_parameters must be a mapping of parameter names to values (e.g. max_size: 9).");
        WorldParameters = wp.IsNull ? [] : wp.Entries;
        foreach (var e in WorldParameters) CheckParameter(e, "world_parameters");

        Splits = ReadSplits(root["splits"]);
        TrainSplitName = ConfigBinder.Bind<string>(Required("train_split"), "train_split");
        DeploySplitName = ConfigBinder.Bind<string>(Required("deploy_split"), "deploy_split");

        // Resolve every split now so a bad split definition fails at load, not an hour into training.
        TrainSplit = Split(TrainSplitName, Required("train_split").Location);
        DeploySplit = Split(DeploySplitName, Required("deploy_split").Location);
        foreach (var s in Splits) Split(s.Name, s.Location);
        // Bind every registered section present, for the same reason.
        foreach (var (name, type) in Sections)
            if (root.Entry(name) is not null) Section(name, type);
    }

    /// <summary>The merged tree: defaults, then the file, then overrides.</summary>
    public ConfigNode Root { get; }

    /// <summary>The file the configuration was loaded from, or <see cref="DefaultsSource"/>.</summary>
    public string Source { get; }

    /// <summary>The experiment's name (default: the world's name); runs get it as their name.</summary>
    public string Name { get; }

    public World World { get; }
    public long Seed { get; }

    /// <summary>Threads for torch and parallel episode rollout (set explicitly: results depend on it).</summary>
    public int Threads { get; }

    /// <summary>Parameter overrides applied to every split (built-in and defined).</summary>
    public IReadOnlyList<ConfigEntry> WorldParameters { get; }

    /// <summary>Splits defined in the file (besides the world's built-in ones, whose names they may not reuse).</summary>
    public IReadOnlyList<SplitDefinition> Splits { get; }

    public string TrainSplitName { get; }
    public string DeploySplitName { get; }

    /// <summary>The split agents train on (<c>train_split</c>, default <c>train</c>).</summary>
    public Split TrainSplit { get; }

    /// <summary>The shifted split agents are deployed on (<c>deploy_split</c>, default <c>deploy</c>).</summary>
    public Split DeploySplit { get; }

    /// <summary>Every split name usable with this configuration: built-in ones, then defined ones.</summary>
    public IEnumerable<string> SplitNames => World.SplitNames.Concat(Splits.Select(s => s.Name)).Distinct(StringComparer.OrdinalIgnoreCase);

    // ----- loading -----

    /// <summary>
    /// Loads an experiment: the embedded defaults, then <paramref name="path"/> (null: defaults only), then
    /// <paramref name="overrides"/> in order.
    /// </summary>
    public static ExperimentConfig Load(string? path, IEnumerable<ConfigOverride>? overrides = null, IReadOnlyDictionary<string, Type>? sections = null)
    {
        if (path is null) return FromTree(ConfigNode.EmptyMapping(new ConfigLocation(DefaultsSource)), DefaultsSource, overrides, sections);
        return Parse(ReadFile(path), path, overrides, sections);
    }

    /// <summary>
    /// The text of an experiment file the user named, checked before any work: it exists, is readable UTF-8, and holds
    /// settings. An empty or comment-only file is an error rather than the defaults (a truncated file or the wrong path
    /// would otherwise run the default experiment); <c>{}</c> says "the defaults" explicitly.
    /// </summary>
    public static string ReadFile(string path)
    {
        if (Directory.Exists(path)) throw new UserError($"'{path}' is a directory; give an experiment file such as configs/green-arrow-maze.yaml.");
        if (!File.Exists(path)) throw new UserError($"config file '{path}' does not exist.");
        string text;
        try
        {
            text = File.ReadAllText(path, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true));
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new UserError($"config file '{path}' is not UTF-8 text; an experiment file is YAML such as configs/green-arrow-maze.yaml.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"config file '{path}' cannot be read ({OutputPaths.Reason(e)}).", e);
        }
        if (!ConfigYaml.HasSettings(text, path))
            throw new UserError($"config file '{path}' holds no settings (it is empty or only comments); write {{}} in it to mean the built-in defaults, or leave the file out.");
        return text;
    }

    /// <summary>Parses YAML text (e.g. the configuration stored with a run); <paramref name="source"/> names it in errors.</summary>
    public static ExperimentConfig Parse(string yaml, string source, IEnumerable<ConfigOverride>? overrides = null, IReadOnlyDictionary<string, Type>? sections = null)
    {
        var file = ConfigYaml.Parse(yaml, source);
        if (file.IsNull) file = ConfigNode.EmptyMapping(new ConfigLocation(source));
        if (file.Kind != ConfigNodeKind.Mapping)
            throw new UserError($"{file.Location}: an experiment file must be a mapping of fields (world: …, seed: …), not a {file.Kind.ToString().ToLowerInvariant()}.");
        return FromTree(file, source, overrides, sections);
    }

    /// <summary>
    /// Parses a configuration stored with a run, which an older MesaLab may have written: it is migrated from its
    /// <c>config_version</c> to <see cref="CurrentVersion"/> (<see cref="ConfigMigrations"/>), and fields this version no
    /// longer has are dropped (listed in <see cref="Notes"/>) instead of refused, so old runs stay evaluable and reportable.
    /// </summary>
    public static ExperimentConfig ParseStored(string yaml, string source, IEnumerable<ConfigOverride>? overrides = null, IReadOnlyDictionary<string, Type>? sections = null)
    {
        var file = ConfigYaml.Parse(yaml, source);
        if (file.IsNull || file.Kind != ConfigNodeKind.Mapping)
            throw new UserError($"{source} is not an experiment configuration (a mapping of fields); the run store may be damaged.");
        int version = file["config_version"] is { IsNull: false } v ? ConfigBinder.Bind<int>(v, "config_version") : 0;
        if (version > CurrentVersion)
            throw new UserError($"{source} has config_version {version}, but this MesaLab reads versions up to {CurrentVersion}; use the newer MesaLab that wrote it.");
        var notes = new List<string>();
        file = ConfigMigrations.Apply(file, version, notes);
        sections ??= ExperimentSections.All;
        file = Prune(file, sections, notes);
        var config = FromTree(file, source, overrides, sections);
        config.Notes = notes;
        return config;
    }

    /// <summary>What reading a stored configuration changed (migrated or dropped fields); empty for files.</summary>
    public IReadOnlyList<string> Notes { get; private set; } = [];

    /// <summary>Drops top-level fields and section fields this version does not know, noting each.</summary>
    private static ConfigNode Prune(ConfigNode root, IReadOnlyDictionary<string, Type> sections, List<string> notes)
    {
        var kept = new List<ConfigEntry>();
        foreach (var e in root.Entries)
        {
            if (CoreFields.Contains(e.Key)) kept.Add(e);
            else if (sections.TryGetValue(e.Key, out var type)) kept.Add(e with { Value = PruneFields(e.Value, type, e.Key, notes) });
            else notes.Add($"dropped the field '{e.Key}', which this version of MesaLab does not have");
        }
        return ConfigNode.Mapping(kept, root.Location);
    }

    private static ConfigNode PruneFields(ConfigNode node, Type type, string path, List<string> notes)
    {
        if (node.Kind != ConfigNodeKind.Mapping) return node;
        var members = ConfigBinder.Members(type);
        var kept = new List<ConfigEntry>();
        foreach (var e in node.Entries)
        {
            var m = members.FirstOrDefault(x => x.Key == e.Key);
            if (m.Key is null) { notes.Add($"dropped the field '{path}.{e.Key}', which this version of MesaLab does not have"); continue; }
            var t = m.Property.PropertyType;
            bool nested = t.IsClass && t != typeof(string) && !t.IsArray && !t.IsGenericType;
            kept.Add(nested ? e with { Value = PruneFields(e.Value, t, $"{path}.{e.Key}", notes) } : e);
        }
        return ConfigNode.Mapping(kept, node.Location);
    }

    private static ExperimentConfig FromTree(ConfigNode file, string source, IEnumerable<ConfigOverride>? overrides, IReadOnlyDictionary<string, Type>? sections)
    {
        var root = Defaults().MergedWith(file);
        foreach (var o in overrides ?? []) root = o.ApplyTo(root);
        return new ExperimentConfig(root, source, sections ?? ExperimentSections.All);
    }

    /// <summary>This configuration with more overrides applied (validated like the file).</summary>
    public ExperimentConfig With(IEnumerable<ConfigOverride> overrides)
    {
        var root = Root;
        foreach (var o in overrides) root = o.ApplyTo(root);
        return new ExperimentConfig(root, Source, Sections) { Notes = Notes };
    }

    /// <summary>
    /// This configuration with a mapping laid over it (a study procedure's <c>set:</c>): keys may be nested mappings
    /// or dotted paths (<c>ppo.total_steps: 1000</c>); values keep their file locations, so an unknown field or a bad
    /// value is reported at its line.
    /// </summary>
    public ExperimentConfig With(ConfigNode overrides)
    {
        if (overrides.IsNull) return this;
        if (overrides.Kind != ConfigNodeKind.Mapping)
            throw new UserError($"{overrides.Location}: the changes must be a mapping of configuration fields, e.g. {{ train_split: train-randomized-2pct, ppo.total_steps: 200000 }}.");
        var root = Root;
        foreach (var e in overrides.Entries)
        {
            var keys = e.Key.Split('.');
            if (keys.Any(k => k.Length == 0))
                throw new UserError($"{e.KeyLocation}: '{e.Key}' is not a field path; write names separated by dots, e.g. ppo.learning_rate.");
            root = root.WithPath(keys, e.Value);
        }
        return new ExperimentConfig(root, Source, Sections) { Notes = Notes };
    }

    /// <summary>The embedded defaults (<c>Config/defaults.yaml</c>).</summary>
    public static ConfigNode Defaults()
    {
        using var stream = typeof(ExperimentConfig).Assembly.GetManifestResourceStream("MesaLab.Experiments.defaults.yaml")
                           ?? throw new InvalidOperationException("embedded defaults.yaml is missing from MesaLab.Experiments.");
        using var reader = new StreamReader(stream);
        return ConfigYaml.Parse(reader.ReadToEnd(), DefaultsSource);
    }

    /// <summary>
    /// The effective configuration as YAML, stamped with <see cref="CurrentVersion"/>: every core field, the full values
    /// (defaults written out) of the sections named in <paramref name="fullSections"/> — those the experiment reads, so
    /// that storing it with a run reproduces the run even if defaults change later — and any other section as the file
    /// and overrides gave it. Null writes every section in full.
    /// </summary>
    public string ToYaml(IEnumerable<string>? fullSections = null)
    {
        var root = Root;
        var full = fullSections?.ToHashSet(StringComparer.Ordinal);
        foreach (var (name, type) in Sections)
        {
            if (full is not null && !full.Contains(name)) continue;
            object value = Section(name, type);
            var node = ConfigBinder.Unbind(value, new ConfigLocation(Source));
            root = root.Entry(name) is null ? ConfigNode.Mapping([.. root.Entries, new ConfigEntry(name, node.Location, node)], root.Location) : root.WithPath([name], node);
        }
        if (root["name"] is null || root["name"]!.IsNull) root = root.WithPath(["name"], ConfigNode.Scalar(Name, new ConfigLocation(Source)));
        var version = ConfigNode.Scalar(CurrentVersion.ToString(CultureInfo.InvariantCulture), new ConfigLocation(Source));
        root = ConfigNode.Mapping([new ConfigEntry("config_version", version.Location, version), .. root.Entries.Where(e => e.Key != "config_version")], root.Location);
        return ConfigYaml.Write(root);
    }

    /// <summary>This configuration without a section (e.g. the <c>sweep</c> section of the runs a sweep makes).</summary>
    public ExperimentConfig Without(string section) =>
        new(ConfigNode.Mapping([.. Root.Entries.Where(e => e.Key != section)], Root.Location), Source, Sections) { Notes = Notes };

    // ----- sections -----

    /// <summary>Every section this experiment may have: name → settings type (<see cref="ExperimentSections.All"/> unless a caller gave others).</summary>
    public IReadOnlyDictionary<string, Type> Sections { get; }

    /// <summary>
    /// The section <paramref name="name"/> bound to <typeparamref name="T"/>; the type's own defaults where the
    /// YAML is silent (or the whole section when absent). Errors name the file, line and e.g. <c>ppo.learning_rate</c>.
    /// </summary>
    public T Section<T>(string name) where T : class => (T)Section(name, typeof(T));

    /// <summary>The section of type <typeparamref name="T"/>, found by its <see cref="ConfigSectionAttribute"/> name.</summary>
    public T Section<T>() where T : class => Section<T>(ExperimentSections.NameOf(typeof(T)));

    public object Section(string name, Type type)
    {
        lock (boundSections)
        {
            if (boundSections.TryGetValue(name, out var cached) && cached.GetType() == type) return cached;
            if (!Sections.TryGetValue(name, out var registered) || registered != type)
                throw new InvalidOperationException($"'{name}' is not the section of {type.Name}; sections are listed in ExperimentSections.");
            var node = Root[name] is { IsNull: false } n ? n : ConfigNode.EmptyMapping(new ConfigLocation(Source));
            object value = ConfigBinder.Bind(type, node, name)!;
            boundSections[name] = value;
            return value;
        }
    }

    /// <summary>The raw YAML node of a section (with locations), or null when the file and defaults do not mention it.</summary>
    public ConfigNode? RawSection(string name) => Root[name];

    // ----- splits -----

    /// <summary>A split by name (built-in or defined), with <c>world_parameters</c> and its own values applied.</summary>
    public Split Split(string name) => Split(name, new ConfigLocation(Source));

    private Split Split(string name, ConfigLocation usedAt) => Resolve(name, usedAt, []);

    private Split Resolve(string name, ConfigLocation usedAt, List<string> chain)
    {
        if (splitCache.TryGetValue(name, out var cached)) return cached;
        var def = Splits.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
        bool builtIn = World.SplitNames.Contains(name, StringComparer.OrdinalIgnoreCase);
        if (def is null && !builtIn)
            throw new UserError($"{usedAt}: world '{World.Name}' has no split '{name}'; the splits are {string.Join(", ", SplitNames)} (define more under 'splits').");
        if (chain.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new UserError($"{def!.Location}: split '{name}' is its own base ({string.Join(" → ", chain.Append(name))}).");
        chain.Add(name);

        var overrides = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var e in WorldParameters) overrides[e.Key] = e.Value.Value!;
        Split result;
        if (def is null)
        {
            result = World.Split(name, overrides, WorldParameters.Count > 0 ? $"{WorldParameters[0].KeyLocation} (world_parameters)" : usedAt.ToString());
        }
        else
        {
            var baseSplit = Resolve(def.Base, def.Location, chain);
            foreach (var e in def.Values) overrides[e.Key] = e.Value.Value!;
            result = baseSplit.With(overrides, $"{def.Location} (split '{def.Name}')", def.Name);
        }
        splitCache[name] = result;
        return result;
    }

    private List<SplitDefinition> ReadSplits(ConfigNode? node)
    {
        var list = new List<SplitDefinition>();
        if (node is null || node.IsNull) return list;
        if (node.Kind != ConfigNodeKind.Mapping)
            throw new UserError($"{node.Location}: splits must be a mapping from split names to definitions, e.g. deploy-huge: {{ base: deploy, max_size: 24 }}.");
        foreach (var e in node.Entries)
        {
            string path = $"splits.{e.Key}";
            if (e.Value.Kind != ConfigNodeKind.Mapping)
                throw new UserError($"{e.Value.Location}: {path} must be a mapping such as {{ base: train, {World.Parameters[0].Name}: {ConfigYaml.Format(World.Parameters[0].Default)} }}.");
            // Base defaults to train; built-in names are reserved.
            if (World.SplitNames.Contains(e.Key, StringComparer.OrdinalIgnoreCase))
                throw new UserError($"{e.KeyLocation}: split '{e.Key}' is built into world '{World.Name}'; give the new split another name and 'base: {e.Key}' (or change every split with world_parameters).");
            string baseName = e.Value["base"] is { IsNull: false } b ? ConfigBinder.Bind<string>(b, path + ".base") : "train";
            string? description = e.Value["description"] is { IsNull: false } d ? ConfigBinder.Bind<string>(d, path + ".description") : null;
            var values = e.Value.Entries.Where(x => x.Key is not ("base" or "description")).ToList();
            foreach (var v in values) CheckParameter(v, path);
            if (!World.SplitNames.Contains(baseName, StringComparer.OrdinalIgnoreCase) &&
                !node.Entries.Any(x => string.Equals(x.Key, baseName, StringComparison.OrdinalIgnoreCase)))
                throw new UserError($"{e.Value["base"]!.Location}: {path}.base is '{baseName}', but world '{World.Name}' has no such split; the splits are {string.Join(", ", World.SplitNames.Concat(node.Entries.Select(x => x.Key)).Distinct())}.");
            list.Add(new SplitDefinition(e.Key, baseName, description, values, e.KeyLocation));
        }
        return list;
    }

    /// <summary>Checks one parameter value on its own so the error points at its line.</summary>
    private void CheckParameter(ConfigEntry e, string path)
    {
        var spec = World.Parameter(e.Key);
        if (spec is null)
            throw ConfigBinder.UnknownField(e, path, [.. World.Parameters.Select(p => p.Name), .. path.StartsWith("splits.", StringComparison.Ordinal) ? new[] { "base", "description" } : []]);
        if (e.Value.Kind != ConfigNodeKind.Scalar)
            throw new UserError($"{e.Value.Location}: {path}.{e.Key} must be {spec.Allowed}.");
        spec.Parse(e.Value.Value!, $"{e.Value.Location}: {path}.{e.Key}");
    }

    private ConfigNode Required(string key) => Root[key] is { IsNull: false } n ? n : throw new UserError($"{Source}: '{key}' is missing or null.");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({World.Name}, {TrainSplitName} → {DeploySplitName}, seed {Seed})");
}
