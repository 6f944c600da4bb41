// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.ComponentModel;
using System.Globalization;

namespace IdentityServer.Dcr.Configuration;

/// <summary>
/// Reads <c>Dcr:SpecVersion</c> as people write it: <c>3.2</c>, <c>3.3</c>, <c>3.4</c>, as well as the enum names
/// (<c>Version33</c>, any case). Anything else is refused with a message naming the accepted values.
/// </summary>
public sealed class DcrSpecVersionConverter : EnumConverter
{
    /// <summary>Creates the converter.</summary>
    public DcrSpecVersionConverter()
        : base(typeof(DcrSpecVersion))
    {
    }

    /// <inheritdoc />
    public override object ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        if (value is not string text)
        {
            return base.ConvertFrom(context, culture, value)!;
        }

        var trimmed = text.Trim();
        switch (trimmed)
        {
            case "3.2":
                return DcrSpecVersion.Version32;
            case "3.3":
                return DcrSpecVersion.Version33;
            case "3.4":
                return DcrSpecVersion.Version34;
        }

        if (Enum.TryParse<DcrSpecVersion>(trimmed, ignoreCase: true, out var parsed)
            && Enum.IsDefined(parsed)
            && !int.TryParse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            return parsed;
        }

        throw new FormatException(
            $"Dcr:SpecVersion '{text}' is not a supported OBIE DCR version: use 3.2, 3.3 or 3.4 (or Version32, Version33, Version34).");
    }
}
