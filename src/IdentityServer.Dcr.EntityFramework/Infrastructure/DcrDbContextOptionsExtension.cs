// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.EntityFramework.Infrastructure;

/// <summary>Carries the configured schema into <see cref="DcrDbContext"/> and its migrations.</summary>
internal sealed class DcrDbContextOptionsExtension(string? schema) : IDbContextOptionsExtension
{
    private ExtensionInfo? _info;

    public string? Schema { get; } = schema;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(DcrDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        private DcrDbContextOptionsExtension Dcr => (DcrDbContextOptionsExtension)Extension;

        public override bool IsDatabaseProvider => false;

        public override string LogFragment => Dcr.Schema is null ? string.Empty : $"DcrSchema={Dcr.Schema} ";

        public override int GetServiceProviderHashCode() => StringComparer.Ordinal.GetHashCode(Dcr.Schema ?? string.Empty);

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other)
            => other is ExtensionInfo o && string.Equals(o.Dcr.Schema, Dcr.Schema, StringComparison.Ordinal);

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
            => debugInfo["Dcr:Schema"] = Dcr.Schema ?? string.Empty;
    }
}
