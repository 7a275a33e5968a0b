namespace MesaLab.Store.Tests;

using Xunit.Abstractions;
using Xunit.Sdk;

/// <summary>
/// Thrown inside a <see cref="SkippableFactAttribute"/> or <see cref="SkippableTheoryAttribute"/> test to report it
/// as skipped, with the reason, instead of passed or failed (xunit 2 decides skips only before a test runs).
/// </summary>
public sealed class SkipException(string reason) : Exception(reason);

/// <summary>A fact that may report itself skipped at run time by throwing <see cref="SkipException"/>.</summary>
[XunitTestCaseDiscoverer("MesaLab.Store.Tests.SkippableFactDiscoverer", "MesaLab.Store.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class SkippableFactAttribute : FactAttribute;

/// <summary>A theory whose cases may report themselves skipped at run time by throwing <see cref="SkipException"/>.</summary>
[XunitTestCaseDiscoverer("MesaLab.Store.Tests.SkippableTheoryDiscoverer", "MesaLab.Store.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class SkippableTheoryAttribute : TheoryAttribute;

public sealed class SkippableFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        new SkippableTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
}

public sealed class SkippableTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod,
        IAttributeInfo theoryAttribute, object[] dataRow) =>
        [new SkippableTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, dataRow)];

    protected override IEnumerable<IXunitTestCase> CreateTestCasesForTheory(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod,
        IAttributeInfo theoryAttribute) =>
        [new SkippableTheoryTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>A test case whose <see cref="SkipException"/> is reported as a skip.</summary>
public sealed class SkippableTestCase : XunitTestCase
{
    [Obsolete("For xunit's deserializer only.")]
    public SkippableTestCase()
    {
    }

    public SkippableTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method, object[]? arguments = null)
        : base(sink, display, options, method, arguments)
    {
    }

    public override async Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments,
        ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        var bus = new SkippingMessageBus(messageBus);
        return bus.Adjust(await base.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource));
    }
}

/// <summary>A theory run as one case (its data could not be enumerated at discovery) whose <see cref="SkipException"/> is reported as a skip.</summary>
public sealed class SkippableTheoryTestCase : XunitTheoryTestCase
{
    [Obsolete("For xunit's deserializer only.")]
    public SkippableTheoryTestCase()
    {
    }

    public SkippableTheoryTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(sink, display, options, method)
    {
    }

    public override async Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments,
        ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        var bus = new SkippingMessageBus(messageBus);
        return bus.Adjust(await base.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource));
    }
}

/// <summary>Passes messages on, turning a failure by <see cref="SkipException"/> into a skip with its reason.</summary>
internal sealed class SkippingMessageBus(IMessageBus inner) : IMessageBus
{
    private int skipped;

    public bool QueueMessage(IMessageSinkMessage message)
    {
        if (message is ITestFailed failed && failed.ExceptionTypes.FirstOrDefault() == typeof(SkipException).FullName)
        {
            Interlocked.Increment(ref skipped);
            return inner.QueueMessage(new TestSkipped(failed.Test, failed.Messages.FirstOrDefault() ?? "skipped"));
        }
        return inner.QueueMessage(message);
    }

    public RunSummary Adjust(RunSummary summary)
    {
        summary.Failed -= skipped;
        summary.Skipped += skipped;
        return summary;
    }

    public void Dispose()
    {
        // The inner bus belongs to the runner that passed it in.
    }
}
