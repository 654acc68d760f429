package io.sightline.agent.weave;

import net.bytebuddy.jar.asm.ClassReader;

/** An advice class's class file, read once, and its enter and exit advice methods. */
final class AdviceClass {
  final ClassReader reader;
  final AdviceMethod enter;
  final AdviceMethod exit;
  /** Why its advice cannot be inlined by the weaver; null when it can. */
  final String unsupported;

  AdviceClass(byte[] classFile) {
    this.reader = new ClassReader(classFile);
    AdviceMethod.Pair pair = AdviceMethod.read(reader.getClassName(), classFile);
    this.enter = pair.enter;
    this.exit = pair.exit;
    this.unsupported = pair.unsupported;
  }
}
