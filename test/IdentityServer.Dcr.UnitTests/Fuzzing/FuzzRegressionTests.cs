// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.DistinguishedNames;
using IdentityServer.Dcr.Fuzzing;

namespace IdentityServer.Dcr.UnitTests.Fuzzing;

/// <summary>
/// Replays the committed seed corpus and every committed fuzzing finding (test/IdentityServer.Dcr.Fuzzing/corpus and
/// findings, copied to the output) through the same targets as the fuzzing command, against the plain engine: no
/// input may make a parser throw or break an invariant.
/// </summary>
[TestFixture]
public sealed class FuzzRegressionTests
{
    private static string FuzzingDirectory => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fuzzing");

    public static IEnumerable<TestCaseData> Inputs()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "Fuzzing");
        foreach (var kind in new[] { "findings", "corpus" })
        {
            foreach (var target in FuzzTargets.Names)
            {
                var directory = Path.Combine(root, kind, target);
                if (!Directory.Exists(directory))
                {
                    continue;
                }

                foreach (var file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
                {
                    yield return new TestCaseData(target, Path.GetRelativePath(root, file))
                        .SetName($"Replay_{kind}_{target}_{Path.GetFileName(file)}");
                }
            }
        }
    }

    [TestCaseSource(nameof(Inputs))]
    public void Replay_Input_NoExceptionAndInvariantsHold(string target, string relativePath)
    {
        // Arrange
        var data = File.ReadAllBytes(Path.Combine(FuzzingDirectory, relativePath));
        var action = FuzzTargets.Get(target);

        // Act & Assert
        Assert.DoesNotThrow(() => action(data));
    }

    [Test]
    public void Inputs_EveryTargetHasSeeds()
    {
        // Arrange
        var targets = Inputs().Select(t => (string)t.Arguments[0]!).Distinct();

        // Assert
        Assert.That(targets, Is.EquivalentTo(FuzzTargets.Names));
    }

    [Test]
    public void Engine_UnderTest_IsNotInstrumented()
    {
        // Arrange
        var engine = typeof(DistinguishedName).Assembly;

        // Act
        var references = engine.GetReferencedAssemblies().Select(a => a.Name);

        // Assert: the fuzzing command instruments only the copy in its own output directory.
        Assert.That(references, Does.Not.Contain("SharpFuzz.Common"), engine.Location);
    }

    [Test]
    public void Get_UnknownTarget_Throws()
    {
        // Act & Assert
        Assert.Throws<ArgumentException>(() => FuzzTargets.Get("nope"));
    }
}
