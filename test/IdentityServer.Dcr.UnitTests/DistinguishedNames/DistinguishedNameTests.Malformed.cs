// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text;
using IdentityServer.Dcr.DistinguishedNames;

namespace IdentityServer.Dcr.UnitTests.DistinguishedNames;

/// <summary>Malformed input: TryParse returns false and never throws.</summary>
public sealed partial class DistinguishedNameTests
{
    private static IEnumerable<TestCaseData> MalformedInputs()
    {
        yield return new TestCaseData(null).SetArgDisplayNames("null");
        yield return new TestCaseData("").SetArgDisplayNames("empty");
        yield return new TestCaseData(" \t ").SetArgDisplayNames("whitespace");
        yield return new TestCaseData("CN").SetArgDisplayNames("no equals");
        yield return new TestCaseData("CN=a,O").SetArgDisplayNames("second attribute without equals");
        yield return new TestCaseData("=a").SetArgDisplayNames("no type");
        yield return new TestCaseData("Foo=bar").SetArgDisplayNames("unknown name");
        yield return new TestCaseData("C N=a").SetArgDisplayNames("space inside type");
        yield return new TestCaseData("CN=a\\").SetArgDisplayNames("dangling escape");
        yield return new TestCaseData("CN=a\\z").SetArgDisplayNames("unknown escape");
        yield return new TestCaseData("CN=a\\4").SetArgDisplayNames("half hex pair at end");
        yield return new TestCaseData("CN=a\\4Gb").SetArgDisplayNames("bad hex pair");
        yield return new TestCaseData("CN=\\C3").SetArgDisplayNames("hex pairs not UTF-8");
        yield return new TestCaseData("CN=\\C3\\,").SetArgDisplayNames("truncated UTF-8 then escape");
        yield return new TestCaseData("CN=#").SetArgDisplayNames("empty hex");
        yield return new TestCaseData("CN=#130").SetArgDisplayNames("odd hex");
        yield return new TestCaseData("CN=#1302474Z").SetArgDisplayNames("non-hex digit");
        yield return new TestCaseData("CN=#130247 42").SetArgDisplayNames("space inside hex");
        yield return new TestCaseData("CN=#130547").SetArgDisplayNames("BER length too long");
        yield return new TestCaseData("CN=#1302474242").SetArgDisplayNames("BER trailing bytes");
        yield return new TestCaseData("CN=#0C01FF").SetArgDisplayNames("invalid UTF8String");
        yield return new TestCaseData("CN=#1C03000041").SetArgDisplayNames("UniversalString not 4-byte aligned");
        yield return new TestCaseData("CN=\"abc").SetArgDisplayNames("unterminated quote");
        yield return new TestCaseData("CN=\"a\"b").SetArgDisplayNames("text after quote");
        yield return new TestCaseData("CN=a,,O=b").SetArgDisplayNames("empty RDN");
        yield return new TestCaseData("CN=a,").SetArgDisplayNames("trailing comma");
        yield return new TestCaseData("CN=a;").SetArgDisplayNames("trailing semicolon");
        yield return new TestCaseData(",CN=a").SetArgDisplayNames("leading comma");
        yield return new TestCaseData("CN=a+").SetArgDisplayNames("trailing plus");
        yield return new TestCaseData("/").SetArgDisplayNames("lone slash");
        yield return new TestCaseData("/C=GB/").SetArgDisplayNames("trailing slash");
        yield return new TestCaseData("/C=GB/O").SetArgDisplayNames("slash form without equals");
        yield return new TestCaseData("/C=GB/O=a+b").SetArgDisplayNames("slash form plus without equals");
        yield return new TestCaseData("OID.=x").SetArgDisplayNames("OID prefix alone");
        yield return new TestCaseData("OID.2=x").SetArgDisplayNames("single arc");
        yield return new TestCaseData("2.5.04.3=x").SetArgDisplayNames("leading zero arc");
        yield return new TestCaseData("3.1=x").SetArgDisplayNames("first arc above 2");
        yield return new TestCaseData("2..5=x").SetArgDisplayNames("empty arc");
        yield return new TestCaseData("2.5.=x").SetArgDisplayNames("trailing dot");
        yield return new TestCaseData("CN=a\uD800b").SetArgDisplayNames("lone surrogate");
        yield return new TestCaseData("CN=" + new string('a', 4094)).SetArgDisplayNames("4097 characters");
    }

    [TestCaseSource(nameof(MalformedInputs))]
    public void TryParse_MalformedInput_ReturnsFalse(string? value)
    {
        // Arrange
        DistinguishedName? name = null;
        var parsed = true;

        // Act
        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(() => parsed = DistinguishedName.TryParse(value, out name), Throws.Nothing);
            Assert.That(parsed, Is.False);
            Assert.That(name, Is.Null);
        });
    }

    [TestCaseSource(nameof(MalformedInputs))]
    public void Parse_MalformedInput_ThrowsFormatOrArgumentNull(string? value)
    {
        // Arrange
        // Act
        // Assert
        Assert.That(
            () => DistinguishedName.Parse(value!),
            value is null ? Throws.ArgumentNullException : Throws.InstanceOf<FormatException>());
    }

    [Test]
    public void TryParse_MaximumLength_Parses()
    {
        // Arrange
        var value = "CN=" + new string('a', 4093);

        // Act
        var parsed = DistinguishedName.TryParse(value, out var name);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(value, Has.Length.EqualTo(4096));
            Assert.That(parsed, Is.True);
            Assert.That(name?.GetValue("CN"), Has.Length.EqualTo(4093));
        });
    }

    private static readonly string[] FuzzTypes =
        ["CN", "cn", "O", "OU", "C", "E", "OID.2.5.4.97", "2.5.4.97", "1.2", "organizationIdentifier", "Foo", "OID.", ""];

    private static readonly string[] FuzzValues =
    [
        "", "a", "GB", "Open Banking", " x ", "\\,", "\\2C", "\\C3\\A9", "\\4", "\\z", "\\", "\\ ", "#13024742", "#0C", "#04",
        "#030300FF", "#1E", "\"q, \\\"u\"\"o\"", "\"", "<>", "é", "\uD83D\uDE00", "\uD800", "\u0000", "\u0085", "\u00A0", "=", "a#b",
    ];

    private static readonly string[] FuzzSeparators = [",", ", ", ";", " ; ", "+", " + ", "/", "", ",,"];

    // A DN-shaped string (type, '=', value fragments, separator), with now and then a fragment in the wrong place.
    private static string NextFuzzName(Random random)
    {
        var builder = new StringBuilder(random.Next(4) == 0 ? "/" : string.Empty);
        var count = random.Next(1, 6);
        for (var i = 0; i < count; i++)
        {
            builder.Append(FuzzTypes[random.Next(FuzzTypes.Length)]).Append(random.Next(8) == 0 ? " = " : "=");
            for (var j = random.Next(0, 3); j > 0; j--)
            {
                builder.Append(FuzzValues[random.Next(FuzzValues.Length)]);
            }

            if (i < count - 1)
            {
                builder.Append(FuzzSeparators[random.Next(FuzzSeparators.Length)]);
            }

            if (random.Next(10) == 0)
            {
                builder.Insert(random.Next(builder.Length + 1), FuzzValues[random.Next(FuzzValues.Length)]);
            }
        }

        return builder.ToString();
    }

    [Test]
    public void TryParse_RandomDnLikeStrings_NeverThrowsAndRoundTrips()
    {
        // Arrange
        var random = new Random(20240601);
        var parsedCount = 0;

        // Act
        // Assert
        Assert.Multiple(() =>
        {
            for (var i = 0; i < 5000; i++)
            {
                var value = NextFuzzName(random);
                var parsed = false;
                DistinguishedName? name = null;
                Assert.That(() => parsed = DistinguishedName.TryParse(value, out name), Throws.Nothing, value);
                if (!parsed || name is null)
                {
                    continue;
                }

                parsedCount++;
                var text = name.ToString();
                Assert.That(DistinguishedName.TryParse(text, out var reparsed), Is.True, $"{value} -> {text}");
                Assert.That(reparsed?.Matches(name), Is.True, $"{value} -> {text}");
                Assert.That(reparsed?.GetHashCode(), Is.EqualTo(name.GetHashCode()), $"{value} -> {text}");
                Assert.That(
                    reparsed?.RelativeNames.SelectMany(r => r.Attributes),
                    Is.EqualTo(name.RelativeNames.SelectMany(r => r.Attributes)),
                    $"{value} -> {text}");
            }

            Assert.That(parsedCount, Is.InRange(500, 4500), "the generator should produce both well-formed and malformed names");
        });
    }

    [Test]
    public void TryParse_RandomCharacters_NeverThrows()
    {
        // Arrange
        const string alphabet = "CNOUcnou=,;+/\\\"#0123456789ABCDEFabcdef <>.\t é\u00A0";
        var random = new Random(4514);

        // Act
        // Assert
        Assert.Multiple(() =>
        {
            for (var i = 0; i < 5000; i++)
            {
                var chars = new char[random.Next(0, 40)];
                for (var j = 0; j < chars.Length; j++)
                {
                    chars[j] = alphabet[random.Next(alphabet.Length)];
                }

                var value = new string(chars);
                Assert.That(() => DistinguishedName.TryParse(value, out _), Throws.Nothing, value);
            }
        });
    }
}
