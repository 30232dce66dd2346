/// The shipped question models, as their JSON files (`Models/*.json`, written by `make models`; the format is
/// in `tools/models/modelfile.py`). Embedded in the binary, so that a copied `replykit` carries them; a module
/// of their own, so that their large literals are compiled once, not with every change to the ranking.
public enum StandardModelFiles {
  /// Each file's bytes by its name without `.json`.
  public static let files: [String: [UInt8]] = [
    "typed-han": PackageResources.typed_han_json,
    "typed-latin": PackageResources.typed_latin_json,
    "whole-han": PackageResources.whole_han_json,
    "whole-latin": PackageResources.whole_latin_json,
    "typed-han-learned": PackageResources.typed_han_learned_json,
    "typed-latin-learned": PackageResources.typed_latin_learned_json,
    "whole-han-learned": PackageResources.whole_han_learned_json,
    "whole-latin-learned": PackageResources.whole_latin_learned_json,
    "typed-han-trees": PackageResources.typed_han_trees_json,
    "typed-han-learned-trees": PackageResources.typed_han_learned_trees_json,
    "whole-han-trees": PackageResources.whole_han_trees_json,
    "whole-han-learned-trees": PackageResources.whole_han_learned_trees_json,
    "whole-latin-semantic": PackageResources.whole_latin_semantic_json,
    "lexical": PackageResources.lexical_json,
  ]
}
