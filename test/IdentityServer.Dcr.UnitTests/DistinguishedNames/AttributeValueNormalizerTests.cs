// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.DistinguishedNames;

namespace IdentityServer.Dcr.UnitTests.DistinguishedNames;

[TestFixture]
public sealed class AttributeValueNormalizerTests
{
    [TestCase("Open Banking", "Open Banking")]
    [TestCase("  Open \t\r\n Banking  ", "Open Banking")]
    [TestCase("Open\u00A0Banking", "Open Banking")]
    [TestCase("\uFB01nance", "finance")]
    [TestCase("Cafe\u0301", "Caf\u00E9")]
    [TestCase("\uFF21\uFF22", "AB")]
    [TestCase("", "")]
    [TestCase("   ", "")]
    public void Normalize_Value_FoldsWhitespaceAndCompatibilityForms(string value, string expected)
    {
        // Arrange
        // Act
        var normalized = AttributeValueNormalizer.Normalize(value);

        // Assert
        Assert.That(normalized, Is.EqualTo(expected));
    }

    [TestCase("open banking", "OPEN BANKING")]
    [TestCase("\u00E9t\u00E9", "\u00C9T\u00C9")]
    [TestCase("\u03C9", "\u03A9")]
    public void Comparer_DifferentCase_ComparesEqual(string x, string y)
    {
        // Arrange
        var comparer = AttributeValueNormalizer.Comparer;

        // Act
        var equal = comparer.Equals(AttributeValueNormalizer.Normalize(x), AttributeValueNormalizer.Normalize(y));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(equal, Is.True);
            Assert.That(comparer.GetHashCode(x), Is.EqualTo(comparer.GetHashCode(y)));
        });
    }

    // Lone surrogates cannot go through [TestCase]: attribute arguments are stored as UTF-8 and become U+FFFD.
    private static IEnumerable<TestCaseData> Utf16Cases()
    {
        yield return new TestCaseData("abc", true).SetArgDisplayNames("ascii");
        yield return new TestCaseData("\uD83D\uDE00", true).SetArgDisplayNames("pair");
        yield return new TestCaseData("\uD83D", false).SetArgDisplayNames("lone high");
        yield return new TestCaseData("\uDE00\uD83D", false).SetArgDisplayNames("reversed pair");
        yield return new TestCaseData("a\uDE00", false).SetArgDisplayNames("lone low");
    }

    [Test]
    public void Normalize_LoneSurrogate_KeepsValueWithoutThrowing()
    {
        // Arrange
        var value = "a  \uD800b ";

        // Act
        var normalized = AttributeValueNormalizer.Normalize(value);

        // Assert
        Assert.That(normalized, Is.EqualTo("a \uD800b"));
    }

    [TestCaseSource(nameof(Utf16Cases))]
    public void IsWellFormed_Utf16_DetectsLoneSurrogates(string value, bool expected)
    {
        // Arrange
        // Act
        var wellFormed = AttributeValueNormalizer.IsWellFormed(value);

        // Assert
        Assert.That(wellFormed, Is.EqualTo(expected));
    }
}
