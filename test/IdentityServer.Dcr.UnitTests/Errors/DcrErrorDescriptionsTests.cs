// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Jwks;

namespace IdentityServer.Dcr.UnitTests.Errors;

/// <summary>Descriptions that quote a JWKS lookup's reason end with one full stop, whether or not the reason has one.</summary>
[TestFixture]
public sealed class DcrErrorDescriptionsTests
{
    public static IEnumerable<TestCaseData> Quoting()
    {
        var reasons = new[] { JwksReasons.KeyNotFound, JwksReasons.NotKeySet, "answered HTTP 404", "answered HTTP 404." };
        foreach (var reason in reasons)
        {
            yield return new TestCaseData(DcrErrorDescriptions.AssertionKeyNotFound(reason)).SetArgDisplayNames("assertion", reason);
            yield return new TestCaseData(DcrErrorDescriptions.RequestObjectKeyNotFound(reason)).SetArgDisplayNames("request object", reason);
            yield return new TestCaseData(DcrErrorDescriptions.RequestKeyNotFound(reason)).SetArgDisplayNames("registration request", reason);
            yield return new TestCaseData(DcrErrorDescriptions.SoftwareStatementKeyNotFound(reason)).SetArgDisplayNames("software statement", reason);
            yield return new TestCaseData(DcrErrorDescriptions.RequestJwksNotUsable(reason)).SetArgDisplayNames("request JWKS", reason);
        }
    }

    [TestCaseSource(nameof(Quoting))]
    public void Description_QuotingAReason_EndsWithOneFullStop(string description)
        => Assert.That(description, Does.EndWith(".").And.Not.Contain(".."));
}
