// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.Testing;

namespace IdentityServer.Dcr.UnitTests.Registration;

/// <summary>
/// A seeded mutation fuzzer over the whole engine (<see cref="RegistrationServiceFixture"/>): every case is a valid
/// request with one to three random mutations (see <see cref="RegistrationFuzzer"/>). The product's rules are checked
/// for every case: no exception escapes, a failure is one of the four RFC 7591 codes with a short, single-line
/// description, and a registration is stored exactly when the result is a success. Seeds are fixed, so a failure
/// reproduces; the message lists the seed, the case number and its mutations.
/// </summary>
[TestFixture]
public sealed class RegistrationServiceFuzzTests
{
    // DCR_FUZZ_CASES runs more cases per seed locally (for example 20000) without changing the CI budget.
    private static readonly int CasesPerSeed = int.TryParse(Environment.GetEnvironmentVariable("DCR_FUZZ_CASES"), out var cases) && cases > 0 ? cases : 500;

    // Long enough for every fixed description plus a truncated echo; an unbounded echo of client input is a failure.
    private const int MaxDescriptionLength = 512;

    private static readonly HashSet<string> RfcCodes = new(StringComparer.Ordinal)
    {
        DcrErrors.InvalidClientMetadata,
        DcrErrors.InvalidRedirectUri,
        DcrErrors.InvalidSoftwareStatement,
        DcrErrors.UnapprovedSoftwareStatement,
    };

    [TestCase(1, false)]
    [TestCase(2, false)]
    [TestCase(3, false)]
    [TestCase(4, false)]
    [TestCase(5, false)]
    [TestCase(6, false)]
    [TestCase(7, true)]
    [TestCase(8, true)]
    public async Task RegisterAsync_RandomlyMutatedRequests_NeverThrowAndAnswerOnlyRfcErrors(int seed, bool ecTppKey)
    {
        // Arrange
        using var fixture = new RegistrationServiceFixture(tppKey: ecTppKey ? TestSigningKey.CreateEs256() : null);
        using var fuzzer = new RegistrationFuzzer(fixture, seed);
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var stopwatch = Stopwatch.StartNew();

        // Act
        for (var i = 0; i < CasesPerSeed; i++)
        {
            var fuzzCase = fuzzer.Next();
            var before = fixture.Store.Registrations.Count;
            DcrResult<JsonObject> result;
            try
            {
                result = await fixture.Service.RegisterAsync(new DcrRequest(fuzzCase.ContentType, fuzzCase.Body, fuzzCase.Certificate), CancellationToken.None);
            }
            catch (Exception exception)
            {
                failures.Add($"seed {seed} case {i} [{fuzzCase.Description}] threw {exception.GetType().Name}: {exception.Message}\n{exception.StackTrace}");
                continue;
            }

            var key = result.Succeeded ? "success" : result.Error.Error;
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
            if (Check(result, before, fixture.Store.Registrations.Count) is { } problem)
            {
                failures.Add($"seed {seed} case {i} [{fuzzCase.Description}]: {problem}");
            }
        }

        // Assert
        TestContext.Out.WriteLine($"seed {seed}: {CasesPerSeed} cases in {stopwatch.ElapsedMilliseconds} ms; "
            + string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}")));
        Assert.That(failures, Is.Empty, () => $"{failures.Count} failing cases; first ones:\n" + string.Join("\n\n", failures.Take(8)));
        Assert.That(outcomes.Keys, Has.Count.GreaterThan(2), "the mutations should reach several stages, not die at one");
    }

    private static string? Check(DcrResult<JsonObject> result, int before, int after)
    {
        if (result.Succeeded)
        {
            return after == before + 1 ? null : $"succeeded but the store went from {before} to {after} registrations";
        }

        var error = result.Error;
        if (!RfcCodes.Contains(error.Error))
        {
            return $"error code '{error.Error}' is not an RFC 7591 code";
        }

        if (string.IsNullOrWhiteSpace(error.ErrorDescription))
        {
            return $"{error.Error} without a description";
        }

        if (error.ErrorDescription.Length > MaxDescriptionLength)
        {
            return $"{error.Error} with a {error.ErrorDescription.Length}-character description: {error.ErrorDescription[..120]}…";
        }

        if (error.ErrorDescription.Any(char.IsControl))
        {
            return $"{error.Error} with a control character in its description: {error.ErrorDescription}";
        }

        return after == before ? null : $"failed ({error.Error}: {error.ErrorDescription}) but the store went from {before} to {after} registrations";
    }
}
